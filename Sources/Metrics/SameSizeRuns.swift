import Telemetry

/// Big-key lists without twenty copies of one shape: keys of one namespace (a pattern with `*`),
/// of one type and about one size (within 5 %) that follow each other in a ranking make one run,
/// shown as one line (`page:* ×18, about 14.1K each`) by `scan` and the dashboard alike, so the
/// other big keys stay in view.
public enum SameSizeRuns {
    /// `keys` (a ranking, biggest first) cut into runs, in order; a key alone is a run of one.
    public static func of(_ keys: [KeyMetadata], namespace: (KeyMetadata) -> String) -> [[KeyMetadata]] {
        var runs: [[KeyMetadata]] = []
        for key in keys {
            if let first = runs.last?.first, first.type == key.type, namespace(first) == namespace(key),
                let size = first.memoryBytes, let other = key.memoryBytes,
                Double(abs(size - other)) <= Double(size) * 0.05, namespace(key).contains("*")
            {
                runs[runs.count - 1].append(key)
            } else {
                runs.append([key])
            }
        }
        return runs
    }

    /// The mean memory of a run's keys, where they have one.
    public static func meanMemory(_ run: [KeyMetadata]) -> Double? {
        let sizes = run.compactMap(\.memoryBytes)
        return sizes.isEmpty ? nil : Double(sizes.reduce(0, +)) / Double(sizes.count)
    }
}
