/// How `watch` prints one tick.
public enum LineFormat: String, CaseIterable, Sendable {
    /// Aligned columns with a header repeated every screenful, like vmstat.
    case table
    /// One JSON object per line, with the metric vocabulary as field names.
    case json
    /// `key=value` pairs, one line per tick.
    case logfmt
}
