import ArgumentParser
import Export

/// How exports treat key names and formula-like text.
struct ExportFlags: ParsableArguments {
    @Flag(name: .customLong("redact-keys"), help: "Replace key names by stable hashes (key#…) in every export.")
    var redactKeys = false

    @Flag(
        name: .customLong("no-formula-guard"),
        help: "Do not prefix cells starting with = + - @ tab or CR with ' (spreadsheet formula guard).")
    var noFormulaGuard = false

    /// The options for the writers.
    var options: ExportOptions {
        ExportOptions(neutralizesFormulas: !noFormulaGuard, redactsKeys: redactKeys)
    }
}
