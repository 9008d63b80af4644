import Foundation
import Metrics
import Telemetry

/// Turns the stream of samples into one message per change of a node's state — lost,
/// still down for another reason, back, a part disabled — instead of one per failed poll.
public struct ConnectionStateReporter: Sendable {
    private enum State: Sendable {
        case unknown
        case up(runID: String?)
        case down(since: Date, kind: PollFailure.Kind, runID: String?)
    }

    private var state: State = .unknown
    private var reportedUnavailable: Set<PollPart> = []

    /// Creates a reporter that has seen nothing.
    public init() {}

    /// The messages (usually none) that `sample` warrants.
    public mutating func messages(for sample: Sample) -> [String] {
        let stamp = "\(ValueFormatting.timeOfDay(sample.time)) \(sample.node)"
        var messages: [String] = []
        switch (state, sample.outcome) {
        case (.unknown, .failure(let failure)):
            messages.append("\(stamp) unreachable: \(Self.reason(failure)); retrying")
            state = .down(since: sample.time, kind: failure.kind, runID: nil)
        case (.up(let runID), .failure(let failure)):
            messages.append("\(stamp) connection lost: \(Self.reason(failure)); retrying with backoff")
            state = .down(since: sample.time, kind: failure.kind, runID: runID)
        case (.down(let since, let kind, let runID), .failure(let failure)):
            if failure.kind != kind {
                messages.append("\(stamp) still down: \(Self.reason(failure))")
                state = .down(since: since, kind: failure.kind, runID: runID)
            }
        case (.down(let since, _, let previousRunID), .reading(let reading)):
            let runID = reading.info?.server.runID
            let restarted = previousRunID != nil && runID != nil && runID != previousRunID
            // Up to when the answer came: a poll that waited out a stalled server started
            // seconds before the server answered.
            let downFor = Int(sample.finished.timeIntervalSince(since).rounded())
            messages.append(
                "\(stamp) back after \(downFor)s" + (restarted ? " (the server restarted: counters reset)" : ""))
            state = .up(runID: runID)
        case (.unknown, .reading(let reading)), (.up, .reading(let reading)):
            state = .up(runID: reading.info?.server.runID)
        }
        if let reading = sample.reading {
            for part in PollPart.allCases {
                guard let reason = reading.unavailable[part], !reportedUnavailable.contains(part) else { continue }
                reportedUnavailable.insert(part)
                messages.append("\(stamp) \(reason); \(part.rawValue) figures disabled")
            }
        }
        return messages
    }

    /// The failure text without the changing "next attempt in" suffix of a backoff.
    private static func reason(_ failure: PollFailure) -> String {
        guard let range = failure.message.range(of: " (next attempt in", options: .backwards) else {
            return failure.message
        }
        return String(failure.message[..<range.lowerBound])
    }
}
