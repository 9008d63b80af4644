import Telemetry

/// Big-key lists without twenty copies of one shape: keys of one namespace (a pattern with `*`)
/// and one type that follow each other in a ranking, each within 5 % of the size of the one
/// before it and 20 % of the first's (a run never hides a key much bigger than its others), make
/// one run, shown as one line (`18× page:*, about this size each`, or a range of
/// sizes where the run slopes) by `scan` and the dashboard alike, so the other big keys stay in
/// view.
public enum SameSizeRuns {
    /// `keys` (a ranking, biggest first) cut into runs, in order; a key alone is a run of one.
    public static func of(_ keys: [KeyMetadata], namespace: (KeyMetadata) -> String) -> [[KeyMetadata]] {
        var runs: [[KeyMetadata]] = []
        for key in keys {
            if let first = runs.last?.first, let previous = runs.last?.last, first.type == key.type,
                namespace(first) == namespace(key), let size = previous.memoryBytes, let other = key.memoryBytes,
                let top = first.memoryBytes, Double(abs(size - other)) <= Double(size) * 0.05,
                Double(abs(top - other)) <= Double(top) * 0.2, namespace(key).contains("*")
            {
                runs[runs.count - 1].append(key)
            } else {
                runs.append([key])
            }
        }
        return runs
    }

    /// How a run's keys are sized, for its line: `about this size each` when the biggest and the
    /// smallest are within 5 %, else their range (`1.10K–1.17K each`).
    public static func sizeText(_ run: [KeyMetadata], bytes: (Double) -> String) -> String {
        let sizes = run.compactMap(\.memoryBytes)
        guard let largest = sizes.max(), let smallest = sizes.min(), Double(largest - smallest) > Double(largest) * 0.05
        else { return "about this size each" }
        return "\(bytes(Double(smallest)))–\(bytes(Double(largest))) each"
    }

    /// The mean memory of a run's keys, where they have one.
    public static func meanMemory(_ run: [KeyMetadata]) -> Double? {
        let sizes = run.compactMap(\.memoryBytes)
        return sizes.isEmpty ? nil : Double(sizes.reduce(0, +)) / Double(sizes.count)
    }
}
