import Alerts
import Foundation
import Metrics
import Telemetry

/// What a post-mortem report says of a recording's window (`cachewatch report`), gathered once
/// for the HTML and Markdown pages: each node's headline series (thinned to at most
/// ``maximumPoints`` per series, the worst value of each stretch kept), the alerts as spans
/// from firing to resolution grouped under their incident's cause, the namespaces that
/// mattered, the slowest commands and the notices (topology, connections).
public struct ReportData: Sendable {
    /// A series' points per node.
    public typealias Series = [String: [(time: Double, value: Double)]]

    /// One alert from firing to resolution (or the window's end).
    public struct AlertSpan: Sendable {
        /// The alert as it fired.
        public var alert: Alert
        /// When it fired.
        public var start: Double
        /// When it resolved; `nil` while still firing at the window's end.
        public var end: Double?
    }

    /// One namespace's part in the window.
    public struct NamespaceFigures: Sendable {
        /// The node.
        public var node: String
        /// The namespace.
        public var namespace: String
        /// Keys evicted (rate × interval, summed).
        public var evicted = 0.0
        /// Key misses.
        public var misses = 0.0
        /// Keys expired.
        public var expired = 0.0
        /// The largest staleness bound seen (seconds).
        public var stalenessBound: Double?
        /// The largest invalidated share seen.
        public var invalidatedShare: Double?
    }

    /// One slow command.
    public struct SlowCommand: Sendable {
        /// The node.
        public var node: String
        /// The entry.
        public var entry: SlowlogEntry
    }

    /// At most this many points per series (about a pixel each on a page).
    public static let maximumPoints = 600

    /// The recording's endpoints, as recorded (no password).
    public var endpoints: String
    /// The window.
    public var from: Double
    /// The window.
    public var to: Double
    /// The nodes, in the order they first reported.
    public var nodes: [String]
    /// Ticks read.
    public var ticks = 0
    /// Headline series by metric.
    public var series: [Metric: Series] = [:]
    /// Each node's maxmemory (the newest non-zero one).
    public var maxmemory: [String: Double] = [:]
    /// Alerts from firing to resolution, oldest first.
    public var alerts: [AlertSpan] = []
    /// The namespaces that evicted, missed or risked staleness most, most evicted first.
    public var namespaces: [NamespaceFigures] = []
    /// The slowest commands, slowest first (at most 20).
    public var slowest: [SlowCommand] = []
    /// Slow-log entries in the window.
    public var slowlogCount = 0
    /// Notices (topology changes, connection states), oldest first.
    public var notices: [(time: Date, text: String)] = []
    /// Polls that failed, per node.
    public var failedPolls: [String: Int] = [:]

    /// The series drawn, in order.
    public static let charted: [Metric] = [
        .hitRatio, .opsPerSec, .evictedPerSec, .expiredPerSec, .missesPerSec, .usedMemoryBytes, .pingP99Ms,
    ]

    /// Gathers the report of `recording` from `start` to `end` (`nil`: its whole span).
    public init(recording: Recording, from start: Double? = nil, to end: Double? = nil) throws(RecordingError) {
        guard let span = try recording.span() else {
            throw RecordingError("\(recording.directory): nothing recorded yet")
        }
        from = start ?? span.lowerBound
        to = end ?? span.upperBound
        endpoints = recording.metadata["endpoints"] ?? recording.directory
        nodes = try recording.nodes()
        let ticks = try recording.ticks(from: from, to: to)
        self.ticks = ticks.count
        var raw: [Metric: Series] = [:]
        var figures: [String: NamespaceFigures] = [:]
        var previousTime: [String: Double] = [:]
        var slow: [SlowCommand] = []
        var seenSlow = Set<String>()
        var wasUp: [String: Bool] = [:]
        var connections: [(time: Date, text: String)] = []
        for entry in ticks {
            let tick = entry.tick
            if tick.failure != nil { failedPolls[entry.node, default: 0] += 1 }
            // Connection states, from the polls themselves: down at a failure, back at a reading.
            let up = tick.failure == nil
            if let failure = tick.failure, wasUp[entry.node] != false {
                connections.append((Date(timeIntervalSince1970: tick.time), "\(entry.node) down: \(failure.message)"))
            } else if up, wasUp[entry.node] == false {
                connections.append((Date(timeIntervalSince1970: tick.time), "\(entry.node) answers again"))
            }
            wasUp[entry.node] = up
            for metric in Self.charted {
                if let value = tick.values[.metric(metric)] {
                    raw[metric, default: [:]][entry.node, default: []].append((tick.time, value))
                }
            }
            if let limit = tick.values[.metric(.maxmemoryBytes)], limit > 0 { maxmemory[entry.node] = limit }
            let seconds = previousTime[entry.node].map { max(0, tick.time - $0) } ?? 0
            previousTime[entry.node] = tick.time
            func add(_ metric: Metric, _ body: (inout NamespaceFigures, Double) -> Void) {
                for (namespace, value) in tick.instances[metric] ?? [:] {
                    let key = entry.node + "\u{1F}" + namespace
                    var item = figures[key] ?? NamespaceFigures(node: entry.node, namespace: namespace)
                    body(&item, value)
                    figures[key] = item
                }
            }
            add(.namespaceEvictedPerSec) { $0.evicted += $1 * seconds }
            add(.namespaceMissesPerSec) { $0.misses += $1 * seconds }
            add(.namespaceExpiredPerSec) { $0.expired += $1 * seconds }
            add(.namespaceStalenessBoundSeconds) { $0.stalenessBound = max($0.stalenessBound ?? 0, $1) }
            add(.namespaceInvalidatedShare) { $0.invalidatedShare = max($0.invalidatedShare ?? 0, $1) }
            for item in tick.slowlog where seenSlow.insert("\(entry.node) \(item.id) \(item.timestamp)").inserted {
                slow.append(SlowCommand(node: entry.node, entry: item))
            }
        }
        for (metric, perNode) in raw {
            series[metric] = perNode.mapValues { Self.thin($0, keepingLowest: metric == .hitRatio) }
        }
        slowlogCount = slow.count
        slowest = Array(slow.sorted { $0.entry.duration > $1.entry.duration }.prefix(20))
        namespaces = Array(
            figures.values.filter { $0.evicted >= 1 || $0.misses >= 1 || ($0.stalenessBound ?? 0) > 0 }
                .sorted { ($0.evicted, $0.misses, $0.namespace) > ($1.evicted, $1.misses, $1.namespace) }.prefix(20))
        notices = (try recording.notices(from: from, to: to) + connections).sorted { $0.time < $1.time }
        alerts = Self.spans(try recording.alertEvents(), from: from, to: to)
    }

    /// Alert events as spans overlapping the window (one fired before it is open from its start).
    static func spans(_ events: [AlertEvent], from: Double, to: Double) -> [AlertSpan] {
        var open: [String: AlertSpan] = [:]
        var spans: [AlertSpan] = []
        for event in events {
            let time = event.time.timeIntervalSince1970
            guard time <= to else { break }
            switch event.kind {
            case .firing:
                open[event.alert.identity] = AlertSpan(alert: event.alert, start: time)
            case .resolved:
                guard var span = open.removeValue(forKey: event.alert.identity) else { continue }
                span.end = time
                if time >= from { spans.append(span) }
            }
        }
        spans += open.values
        return spans.sorted { ($0.start, $0.alert.identity) < ($1.start, $1.alert.identity) }
    }

    /// At most ``maximumPoints`` points: each stretch's worst (highest, or lowest for a ratio
    /// where low is bad), at its time.
    static func thin(_ points: [(time: Double, value: Double)], keepingLowest: Bool) -> [(time: Double, value: Double)]
    {
        guard points.count > maximumPoints, let first = points.first?.time, let last = points.last?.time, last > first
        else { return points }
        let width = (last - first) / Double(maximumPoints)
        var buckets: [Int: (time: Double, value: Double)] = [:]
        for point in points {
            let bucket = min(maximumPoints - 1, Int((point.time - first) / width))
            if let kept = buckets[bucket] {
                let worse = keepingLowest ? point.value < kept.value : point.value > kept.value
                if worse { buckets[bucket] = point }
            } else {
                buckets[bucket] = point
            }
        }
        return buckets.sorted { $0.key < $1.key }.map(\.value)
    }
}
