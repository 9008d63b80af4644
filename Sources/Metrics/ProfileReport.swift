import Foundation

/// What a profile found on one node: per-namespace traffic over the time `MONITOR` was on, and
/// how misses were counted.
public struct ProfileReport: Sendable, Equatable {
    /// The node, as printed.
    public let node: String
    /// When it started.
    public let startedAt: Date
    /// When `MONITOR` was on.
    public let schedule: ProfileSchedule
    /// Seconds `MONITOR` was actually on (the rates' denominator).
    public let monitoredSeconds: Double
    /// Where the misses come from.
    public let missSource: MissSource
    /// Command lines seen.
    public let commands: Int
    /// Lines that were not commands in `MONITOR`'s format.
    public let unparsedLines: Int
    /// Reads forgotten before their refill could be seen (the inference's memory cap).
    public let forgottenReads: Int
    /// Bursts ended early because cachewatch fell behind the server's stream.
    public let burstsCutShort: Int
    /// Every namespace's traffic, the busiest first.
    public let namespaces: [NamespaceTraffic]

    /// Creates a report from a finished profile.
    public init(
        node: String, startedAt: Date, schedule: ProfileSchedule, profile: TrafficProfile, missSource: MissSource
    ) {
        self.node = node
        self.startedAt = startedAt
        self.schedule = schedule
        monitoredSeconds = profile.monitoredSeconds
        self.missSource = missSource
        commands = profile.commands
        unparsedLines = profile.unparsedLines
        forgottenReads = profile.forgottenReads
        burstsCutShort = profile.burstsCutShort
        namespaces = profile.namespaces(missesFrom: missSource)
    }

    /// Creates a report from its figures (a recording's decoder, tests).
    public init(
        node: String, startedAt: Date, schedule: ProfileSchedule, monitoredSeconds: Double, missSource: MissSource,
        commands: Int, unparsedLines: Int, forgottenReads: Int, burstsCutShort: Int, namespaces: [NamespaceTraffic]
    ) {
        self.node = node
        self.startedAt = startedAt
        self.schedule = schedule
        self.monitoredSeconds = monitoredSeconds
        self.missSource = missSource
        self.commands = commands
        self.unparsedLines = unparsedLines
        self.forgottenReads = forgottenReads
        self.burstsCutShort = burstsCutShort
        self.namespaces = namespaces
    }

    /// `count` per second of `MONITOR` time.
    public func perSecond(_ count: Int) -> Double { monitoredSeconds > 0 ? Double(count) / monitoredSeconds : 0 }

    /// The namespaces below this many reads per second have too little traffic for a hit ratio
    /// worth an alert (see `LowNamespaceHitRatio`); they are still reported.
    public static let realTrafficReadsPerSecond = 1.0

    /// The report as labelled metrics of the vocabulary, by namespace.
    public var metricInstances: [Metric: [String: Double]] {
        var result: [Metric: [String: Double]] = [
            .namespaceReadsPerSec: [:], .namespaceWritesPerSec: [:], .namespaceDeletesPerSec: [:],
            .namespaceHitRatio: [:],
        ]
        for traffic in namespaces {
            result[.namespaceReadsPerSec]?[traffic.namespace] = perSecond(traffic.reads)
            result[.namespaceWritesPerSec]?[traffic.namespace] = perSecond(traffic.writes)
            result[.namespaceDeletesPerSec]?[traffic.namespace] = perSecond(traffic.deletes)
            if let ratio = traffic.hitRatio { result[.namespaceHitRatio]?[traffic.namespace] = ratio }
        }
        return result
    }
}
