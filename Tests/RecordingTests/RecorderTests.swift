import Alerts
import Engine
import Export
import Fleet
import Foundation
import Metrics
import Telemetry
import TestSupport
import Testing

@testable import Recording

/// The recorder on an engine fed in virtual time (two nodes, keys sampled in four namespaces, a
/// rule that fires and resolves, a failed poll), then the recording read back: the lines
/// `watch` printed, again.
@Suite("Recording and replaying lines")
struct RecorderTests {
    static let start = 1_800_000_000.0

    /// A poll of `node` at second `second`: counters that move, a hit ratio that collapses
    /// between seconds 100 and 160, memory that grows; a failed poll at 200 on node b.
    static func sample(_ node: String, second: Int) -> Sample {
        let time = Date(timeIntervalSince1970: start + Double(second))
        if node == "b:6379" && second == 200 {
            return Sample(node: node, time: time, outcome: .failure(PollFailure(kind: .timeout, message: "no reply")))
        }
        let collapsed = (100..<160).contains(second)
        let hits = Int64(second) * (collapsed ? 100 : 900)
        let sections: [String: [String: String]] = [
            "server": ["run_id": "run-\(node)", "uptime_in_seconds": String(1000 + second), "redis_version": "7.0.15"],
            "stats": [
                "total_commands_processed": String(Int64(second) * 1000), "keyspace_hits": String(hits),
                "keyspace_misses": String(Int64(second) * 1000 - hits), "evicted_keys": String(second / 3),
                "expired_keys": String(second * 2),
            ],
            "memory": [
                "used_memory": String(50_000_000 + second * 10_000), "maxmemory": "100000000",
                "maxmemory_policy": "allkeys-lru",
            ],
            "clients": ["connected_clients": String(7 + second % 3)],
            "keyspace": ["db0": "keys=\(10_000 + second),expires=\(5_000 + second),avg_ttl=60000"],
        ]
        let reading = Reading(
            info: InfoSnapshot(sections: sections), slowlog: nil, pingRTT: .microseconds(200 + second % 50))
        return Sample(node: node, time: time, outcome: .reading(reading))
    }

    /// Keys sampled on `node`: four namespaces of numbers, hex and UUIDs.
    static func keys(_ node: String, second: Int) -> FleetEvent {
        var keys: [KeyMetadata] = []
        for index in 0..<40 {
            let id = second * 40 + index
            let name: String
            switch index % 4 {
            case 0: name = "user:\(id):profile"
            case 1: name = "session:\(String(id * 2_654_435_761 % 0xffff_ffff, radix: 16))"
            case 2: name = "cart:\(UUID(uuid: (UInt8(id % 256), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)))"
            default: name = "price:\(id % 500)"
            }
            keys.append(
                KeyMetadata(
                    name: Array(name.utf8), type: index % 4 == 1 ? "hash" : "string",
                    ttlMilliseconds: index % 4 == 0 ? nil : Int64(60_000 * (1 + index % 7)),
                    memoryBytes: Int64(64 + index * 10), observedAt: Date(timeIntervalSince1970: start + Double(second))
                ))
        }
        return .keys(node: node, keys: keys, finishedPass: second % 10 == 0, unavailable: [:])
    }

    /// A profile of node a, finished at 200 s.
    static let profile = ProfileReport(
        node: "a:6379", startedAt: Date(timeIntervalSince1970: start + 140), schedule: .bursts(2, every: 10, for: 60),
        monitoredSeconds: 12, missSource: .cacheAsideInference, commands: 9_000, unparsedLines: 0, forgottenReads: 0,
        burstsCutShort: 0,
        namespaces: [
            NamespaceTraffic(
                namespace: "user:*:profile", reads: 6_000, writes: 300, deletes: 10, misses: 280,
                topCommands: [("GET", 6_000)], topKeys: [(Array("user:12:profile".utf8), 400)])
        ])

    static let rules = [
        AlertRule(
            name: "LowHitRatio", condition: AlertCondition(metric: .metric(.hitRatio), .below, 0.5), forSeconds: 10,
            severity: .warning, summary: "hit ratio {{value}} on {{node}}",
            description: "Most reads miss.", runbookURL: "https://runbooks.example/low-hit-ratio")
    ]

    /// Runs the engine for `seconds` over two nodes, recording into `directory`; returns what
    /// `watch --format json --namespaces` printed.
    static func run(seconds: Int, directory: String, flushEvery: TimeInterval = 0.05) throws -> [String] {
        var keyspaces: [Int: KeyspaceFigures] = [:]
        return try run(seconds: seconds, directory: directory, flushEvery: flushEvery, keyspaces: &keyspaces)
    }

    /// ``run(seconds:directory:flushEvery:)``, keeping node a's keyspace figures after each second.
    static func run(
        seconds: Int, directory: String, flushEvery: TimeInterval = 0.05, keyspaces: inout [Int: KeyspaceFigures]
    ) throws -> [String] {
        let clock = VirtualWallClock(Date(timeIntervalSince1970: start))
        let recorder = try Recorder(directory: directory, clock: clock, flushEvery: flushEvery) { _ in }
        var state = EngineState(historyTicks: 600, rules: rules)
        var formatter = WatchLineFormatter(format: .json, nodeWidth: 6)
        var printed: [String] = []
        for second in 1...seconds {
            clock.advance(by: 1)
            let events: [FleetEvent] = ["a:6379", "b:6379"].flatMap { node in
                [keys(node, second: second), .sample(sample(node, second: second))]
            }
            let outcome = state.apply(events, now: clock.now)
            // A profile of node a ends at 200 s (the P key).
            if second == 200 { state.apply(profile: Self.profile) }
            recorder.record(outcome, state: state)
            for sample in outcome.samples {
                guard let node = state.store[sample.node] else { continue }
                printed += formatter.lines(for: node)
                printed += NamespaceLineFormatter.lines(for: node, format: .json)
            }
            printed += outcome.alertEvents.map { AlertEventFormatter.line($0, format: .json) }
            keyspaces[second] = state.node("a:6379")?.keyspace
        }
        recorder.close()
        return printed
    }

    @Test(
        "the keyspace as it was: each node's figures recorded once a minute, replayed as the dashboard saw them then"
    )
    func keyspaceAgain() throws {
        let directory = try TemporaryDirectory()
        var live: [Int: KeyspaceFigures] = [:]
        _ = try Self.run(seconds: 300, directory: directory.path, keyspaces: &live)
        let recording = try Recording(directory: directory.path)
        let rows = try recording.keyspaceTimes(of: "a:6379")
        // Recorded at the first tick with figures, then every 60 s of ticks — and at once when a
        // profile comes in (200 s).
        #expect(rows == [1, 61, 121, 181, 200, 260].map { Self.start + Double($0) }, "\(rows)")
        let session = try ReplaySession(recording: recording)
        for second in [1, 59, 150, 299] {
            let shown = try #require(try session.state(at: Self.start + Double(second)).node("a:6379")?.keyspace)
            // The figures the node had at the newest recorded tick before the moment.
            let recordedAt = try #require(rows.last { $0 <= Self.start + Double(second) })
            #expect(shown == live[Int(recordedAt - Self.start)], "at \(second) s")
            #expect(!shown.namespaces.isEmpty && !shown.biggestByMemory.isEmpty && shown.totalKeys != nil)
        }
        // Moving on tick by tick keeps it current too.
        #expect(try session.state(at: Self.start + 300).node("a:6379")?.keyspace == live[260])
        // The profile finished at 200 s is recorded at once: shown from then on, not before.
        #expect(try session.state(at: Self.start + 199).node("a:6379")?.profile == nil)
        #expect(try session.state(at: Self.start + 200).node("a:6379")?.profile == Self.profile)
        #expect(try session.state(at: Self.start + 290).node("a:6379")?.profile == Self.profile)
        // A snapshot of a window writes the big keys, namespaces and TTLs it shows.
        let state = try session.state(at: Self.start + 299)
        #expect(state.keyspaces.keys.sorted() == ["a:6379", "b:6379"])
    }

    @Test("alerts about to fire as they were: pending while the rule holds, not once it fired or cleared")
    func pendingAgain() throws {
        let directory = try TemporaryDirectory()
        _ = try Self.run(seconds: 300, directory: directory.path)
        let session = try ReplaySession(recording: try Recording(directory: directory.path))
        func alerts(at second: Int) throws -> [String: Alert.State] {
            let state = try session.state(at: Self.start + Double(second))
            return Dictionary(uniqueKeysWithValues: state.activeAlerts.map { ($0.identity, $0.state) })
        }
        // The hit ratio collapses at 100 s and the rule holds 10 s before firing.
        #expect(try alerts(at: 90).isEmpty)
        let pending = try alerts(at: 105)
        #expect(
            pending["LowHitRatio{node=a:6379}"] == .pending && pending["LowHitRatio{node=b:6379}"] == .pending,
            "\(pending)")
        let fired = try alerts(at: 130)
        #expect(fired["LowHitRatio{node=a:6379}"] == .firing && fired.values.allSatisfy { $0 == .firing }, "\(fired)")
        // Back in time too (a rebuilt state).
        #expect(try alerts(at: 104)["LowHitRatio{node=a:6379}"] == .pending)
    }

    @Test("a store of schema 1 (no keyspace, no pending table) is read without them; recording into it makes it 3")
    func schemaOne() async throws {
        let directory = try TemporaryDirectory()
        _ = try Self.run(seconds: 5, directory: directory.path)
        let path = directory.path + "/cachewatch.db"
        let sqlite = try ChildProcess(
            executable: "/usr/bin/sqlite3",
            arguments: [
                path,
                "DROP TABLE keyspace; DROP TABLE pending; UPDATE meta SET value = '1' WHERE key = 'schema_version'",
            ])
        #expect(try await sqlite.waitForExit() == 0, "\(sqlite.standardError)")
        let old = try Recording(directory: directory.path)
        #expect(old.schemaVersion == 1)
        let state = try ReplaySession(recording: old).state(at: Self.start + 5)
        #expect(state.node("a:6379") != nil && state.node("a:6379")?.keyspace == nil)
        let recorder = try Recorder(directory: directory.path) { _ in }
        recorder.close()
        let upgraded = try Recording(directory: directory.path)
        let times = try upgraded.keyspaceTimes(of: "a:6379")
        #expect(upgraded.schemaVersion == 3 && times.isEmpty)
    }

    @Test("alerts keep their rule's description and runbook; a store of schema 2 reads them empty, and gains the columns")
    func runbooks() async throws {
        let directory = try TemporaryDirectory()
        _ = try Self.run(seconds: 130, directory: directory.path)
        let recorded = try Recording(directory: directory.path).alertEvents()
        let fired = try #require(recorded.first { $0.alert.name == "LowHitRatio" }, "\(recorded.map(\.alert.name))")
        #expect(fired.alert.description == "Most reads miss.")
        #expect(fired.alert.runbookURL == "https://runbooks.example/low-hit-ratio")
        let path = directory.path + "/cachewatch.db"
        let sqlite = try ChildProcess(
            executable: "/usr/bin/sqlite3",
            arguments: [
                path,
                "ALTER TABLE alerts DROP COLUMN description; ALTER TABLE alerts DROP COLUMN runbook_url; "
                    + "ALTER TABLE pending DROP COLUMN description; ALTER TABLE pending DROP COLUMN runbook_url; "
                    + "UPDATE meta SET value = '2' WHERE key = 'schema_version'",
            ])
        #expect(try await sqlite.waitForExit() == 0, "\(sqlite.standardError)")
        let old = try Recording(directory: directory.path)
        #expect(old.schemaVersion == 2)
        #expect(try old.alertEvents().first { $0.alert.name == "LowHitRatio" }?.alert.description == "")
        let recorder = try Recorder(directory: directory.path) { _ in }
        recorder.close()
        let upgraded = try Recording(directory: directory.path)
        let count = try upgraded.alertEvents().count
        #expect(upgraded.schemaVersion == 3 && count == recorded.count)
    }

    @Test("replayed lines are the lines watch printed: metrics, namespaces, alert events, a failed poll")
    func linesAgain() throws {
        let directory = try TemporaryDirectory()
        let printed = try Self.run(seconds: 300, directory: directory.path)
        let recording = try Recording(directory: directory.path)
        #expect(try recording.nodes() == ["a:6379", "b:6379"])
        #expect(try recording.span() == (Self.start + 1)...(Self.start + 300))
        var replayed: [String] = []
        var replay = LineReplay(recording: recording, format: .lines(.json))
        replay.namespaces = true
        let ticks = try replay.run { replayed.append($0) }
        #expect(ticks == 600)
        #expect(printed.contains { $0.contains("\"alertname\":\"LowHitRatio\"") }, "the rule fired")
        #expect(replayed.count == printed.count)
        #expect(
            replayed == printed,
            "first difference: \(zip(replayed, printed).first { $0 != $1 }.map { "\($0.0)\n\($0.1)" } ?? "-")")
        // From a moment in the middle: its lines only, decoded from the keyframe before it.
        var window: [String] = []
        var middle = LineReplay(recording: recording, format: .lines(.json))
        middle.start = Self.start + 130
        middle.end = Self.start + 140
        middle.namespaces = true
        #expect(try middle.run { window.append($0) } == 22)
        let expected = printed.filter { line in
            guard let range = line.range(of: "\"ts_ms\":") else { return false }
            let stamp = Int(line[range.upperBound...].prefix { $0.isNumber }) ?? 0
            return (Int(Self.start + 130) * 1000...Int(Self.start + 140) * 1000).contains(stamp)
        }
        #expect(window.filter { $0.contains("\"ts_ms\":") } == expected)
    }

    @Test("a store of a newer schema is refused in one line; a directory without a recording too")
    func newerSchema() async throws {
        let directory = try TemporaryDirectory()
        _ = try Self.run(seconds: 3, directory: directory.path)
        let path = directory.path + "/cachewatch.db"
        let sqlite = try ChildProcess(
            executable: "/usr/bin/sqlite3",
            arguments: [path, "UPDATE meta SET value = '99' WHERE key = 'schema_version'"])
        #expect(try await sqlite.waitForExit() == 0, "\(sqlite.standardError)")
        #expect {
            _ = try Recording(directory: directory.path)
        } throws: { error in
            let text = "\(error)"
            return text.contains("newer cachewatch (schema 99") && !text.contains("\n")
        }
        #expect(throws: RecordingError.self) { _ = try Recorder(directory: directory.path) { _ in } }
        let empty = try TemporaryDirectory()
        #expect {
            _ = try Recording(directory: empty.path)
        } throws: { "\($0)".contains("no recording in") }
    }

    @Test("old data is pruned while recording: by age (retention), then the oldest first while over the size")
    func pruning() throws {
        let clock = VirtualWallClock(Date(timeIntervalSince1970: Self.start))
        let directory = try TemporaryDirectory()
        let path = directory.path
        // Two hours at 1 s, an hour kept; prune at every flush.
        let byAge = try Recorder(
            directory: path + "/age", retention: 3_600, clock: clock, flushEvery: 0.01, pruneEvery: 0
        ) { _ in }
        var state = EngineState(historyTicks: 60)
        for second in 1...7_200 {
            clock.advance(by: 1)
            byAge.record(state.apply([.sample(Self.sample("a:6379", second: second))], now: clock.now), state: state)
        }
        byAge.close()
        let aged = try #require(try Recording(directory: path + "/age").span())
        #expect(aged.upperBound == Self.start + 7_200)
        #expect(aged.lowerBound >= Self.start + 7_200 - 3_600 - 600, "kept \(aged.upperBound - aged.lowerBound) s")
        // A size limit: the store stays under it, the newest data kept.
        let bySize = try Recorder(
            directory: path + "/size", maxBytes: 400_000, clock: clock, flushEvery: 0.01, pruneEvery: 0
        ) { _ in }
        state = EngineState(historyTicks: 60)
        for second in 1...4_000 {
            clock.advance(by: 1)
            bySize.record(state.apply([.sample(Self.sample("a:6379", second: second))], now: clock.now), state: state)
        }
        bySize.close()
        let bytes = (try FileManager.default.attributesOfItem(atPath: path + "/size/cachewatch.db")[.size] as? Int) ?? 0
        #expect(bytes <= 400_000 + 64 * 1024, "\(bytes) bytes")
        let sized = try #require(try Recording(directory: path + "/size").span())
        #expect(sized.upperBound == Self.start + 4_000, "the newest tick is kept")
        #expect(sized.upperBound - sized.lowerBound < 3_000, "the oldest were pruned: \(sized)")
    }

    @Test("one recorder per directory: a second is refused in one line while the first lives")
    func oneWriter() throws {
        let directory = try TemporaryDirectory()
        var first: Recorder? = try Recorder(directory: directory.path) { _ in }
        #expect {
            _ = try Recorder(directory: directory.path) { _ in }
        } throws: { error in
            let text = "\(error)"
            return text.contains("is being recorded by another cachewatch (pid \(getpid()))") && !text.contains("\n")
        }
        first?.close()
        first = nil
        let second = try Recorder(directory: directory.path) { _ in }
        second.close()
        #expect(first == nil)
    }
}
