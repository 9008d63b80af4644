import Dashboard
import Foundation
import Telemetry
import Testing

@testable import Engine
@testable import Metrics

/// Screens rendered from fixed states, compared with checked-in text snapshots. A missing
/// snapshot is written and the test fails, so nothing is accepted unseen.
@Suite("Golden screens")
struct GoldenScreenTests {
    private static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Golden")

    static func check(_ screen: Screen, _ name: String) throws {
        let file = directory.appendingPathComponent(name + ".txt")
        let actual = screen.text + "\n"
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("golden \(name).txt was missing: recorded it; review it and commit it")
            return
        }
        #expect(actual == expected, "screen \(name) changed; delete Golden/\(name).txt to re-record after review")
    }

    @Test("every view at 80×24 and 120×40", arguments: DashboardView.allCases)
    func views(view: DashboardView) throws {
        let state = DashboardFixture.state(view: view)
        for (width, height) in [(80, 24), (120, 40)] {
            let screen = DashboardRenderer.render(state, width: width, height: height)
            #expect(screen.width == width && screen.height == height)
            try Self.check(screen, "\(view.rawValue)-\(String(describing: view))-\(width)x\(height)")
        }
    }

    @Test("found through Sentinel: the nodes view lists the sentinels, one down, one naming another primary")
    func sentinels() throws {
        var state = DashboardFixture.state(view: .nodes)
        state.engine.sentinelGroup = SentinelGroup(
            masterName: "mymaster", primary: DashboardFixture.node, replicas: ["127.0.0.1:6380"],
            views: [
                .init(
                    sentinel: "127.0.0.1:26379", isReachable: true, primary: DashboardFixture.node,
                    primaryFlags: ["master"], quorum: 2, hasQuorum: true,
                    quorumText: "OK 2 usable Sentinels. Quorum and failover authorization can be reached",
                    isTilted: false),
                .init(
                    sentinel: "127.0.0.1:26380", isReachable: true, primary: "127.0.0.1:6380",
                    primaryFlags: ["master", "s_down"], quorum: 2, hasQuorum: true, isTilted: true),
                .init(sentinel: "127.0.0.1:26381", isReachable: false),
            ])
        for (width, height) in [(80, 24), (120, 40)] {
            try Self.check(
                DashboardRenderer.render(state, width: width, height: height), "sentinels-nodes-\(width)x\(height)")
        }
    }

    @Test("Enter on an alert shows it whole — what fired, where, why, what to do; Esc goes back")
    func alertDetail() throws {
        var state = DashboardFixture.state(view: .alerts)
        _ = state.apply(.openSelected)
        #expect(state.showsAlertDetail)
        for (width, height) in [(80, 24), (120, 40)] {
            try Self.check(
                DashboardRenderer.render(state, width: width, height: height), "alert-detail-\(width)x\(height)")
        }
        _ = state.apply(.dismiss)
        #expect(!state.showsAlertDetail)
        _ = state.apply(.openSelected)
        _ = state.apply(.show(.overview))
        #expect(!state.showsAlertDetail, "another view closes it")
    }

    @Test("help, ASCII fallback and the too-small screen")
    func specialScreens() throws {
        var state = DashboardFixture.state()
        state.showsHelp = true
        try Self.check(DashboardRenderer.render(state, width: 80, height: 24), "help-80x24")
        state.showsHelp = false
        try Self.check(
            DashboardRenderer.render(state, width: 80, height: 24, theme: Theme(glyphs: .ascii, usesColor: false)),
            "overview-ascii-80x24")
        try Self.check(DashboardRenderer.render(state, width: 60, height: 20), "too-small-60x20")
    }

    @Test(
        "keyspace events: the victims in the overview, rates and trends in the keyspace view; off: how to turn them on")
    func keyspaceEvents() throws {
        var state = DashboardFixture.state()
        let node = DashboardFixture.node
        state.shownNode.keyEvents = .subscribed(
            kinds: Set(KeyEventKind.allCases), since: Date(timeIntervalSince1970: 0))
        state.engine.store.setInstances(node: node, .namespaceEvictedPerSec, ["session:*": 61, "product:*": 18.5])
        state.engine.store.setInstances(
            node: node, .namespaceExpiredPerSec, ["price:*": 24, "product:*": 3, "user:*:profile": 0.5])
        state.engine.store.setInstances(node: node, .namespaceMissesPerSec, ["price:*": 150, "product:*": 40])
        state.shownNode.eventTrend = NamespaceEventTrend(series: [
            "session:*": [0, 0, 10, 30, 50, 61, 58, 61], "product:*": [60, 60, 58, 59, 61, 60, 58, 58.5],
            "price:*": [150, 150, 149, 150, 151, 150, 150, 150],
        ])
        for (width, height) in [(80, 24), (120, 40)] {
            state.view = .overview
            try Self.check(
                DashboardRenderer.render(state, width: width, height: height), "events-overview-\(width)x\(height)")
            state.view = .keyspace
            try Self.check(
                DashboardRenderer.render(state, width: width, height: height), "events-keyspace-\(width)x\(height)")
        }
        var off = DashboardFixture.state()
        off.shownNode.keyEvents = .off(KeyspaceEventFlags("Kg"), wanted: [.evicted, .expired, .keymiss])
        try Self.check(DashboardRenderer.render(off, width: 120, height: 40), "events-off-overview-120x40")
        off.view = .keyspace
        try Self.check(DashboardRenderer.render(off, width: 120, height: 40), "events-off-keyspace-120x40")
    }

    @Test("the server's own hot keys (HOTKEYS): Valkey's window, Redis's session, Valkey with tracking off")
    func serverHotKeys() throws {
        let valkey = ServerHotKeys(
            source: .valkeyWindow,
            entries: [
                .init(key: Array("product:10442".utf8), database: 0, accessesPerSecond: 48_200),
                .init(key: Array("price:1042".utf8), database: 0, accessesPerSecond: 3_150),
                .init(key: Array("user:42".utf8), database: 3, accessesPerSecond: 900),
                .init(key: Array("ghost:1".utf8), database: 0, accessesPerSecond: 12),
            ], isTracking: true, windowMilliseconds: 1022, samples: 211_833, settings: ValkeyHotkeySettings(topK: 16))
        let redis = ServerHotKeys(
            source: .redisSession,
            entries: [
                .init(key: Array("catalog:all".utf8), cpuPercent: 50, networkBytesPerSecond: 20_000),
                .init(key: Array("user:7".utf8), cpuPercent: 1, networkBytesPerSecond: 30_000),
            ], isTracking: false, windowMilliseconds: 10_000, sampleRatio: 1)
        let off = ServerHotKeys(
            source: .valkeyWindow, entries: [], isTracking: false, settings: ValkeyHotkeySettings(topK: 0))
        for (hotKeys, name) in [(valkey, "valkey"), (redis, "redis"), (off, "valkey-off")] {
            var state = DashboardFixture.state(view: .keyspace)
            state.engine.apply(serverHotKeys: hotKeys, node: DashboardFixture.node)
            try Self.check(DashboardRenderer.render(state, width: 120, height: 40), "hotkeys-\(name)-keyspace-120x40")
        }
    }

    @Test("key lives: the keyspace view's How keys end panel")
    func keyLives() throws {
        var state = DashboardFixture.state(view: .keyspace)
        var invalidation = NamespaceInvalidation()
        func end(_ namespace: String, _ ending: KeyLifeSchedule.Ending, ttl: Double) -> KeyLifeSchedule.End {
            KeyLifeSchedule.End(
                namespace: namespace, ending: ending, seenAt: Date(timeIntervalSince1970: 100),
                since: Date(timeIntervalSince1970: 50), ageShare: ending == .expired ? 1 : 0.25, ttlSeconds: ttl)
        }
        invalidation.add(
            Array(repeating: end("price:*", .expired, ttl: 599.2), count: 12)
                + Array(repeating: end("user:*:profile", .removedEarly, ttl: 3600), count: 6)
                + Array(repeating: end("user:*:profile", .expired, ttl: 3600), count: 4)
                + [end("product:*", .expired, ttl: 900)],
            tracked: ["price:*": 20, "user:*:profile": 20, "product:*": 20],
            evictions: .nodeCounters(evictedBetween: { _, _ in false }, chancePerSecond: 0),
            now: Date(timeIntervalSince1970: 100))
        // Counted by keyspace events: every session's end, most of them evictions.
        invalidation.addEvents(
            ["session:*": [.evicted: 1_200, .expired: 40]], kinds: [.evicted, .expired, .deleted],
            ttlSeconds: ["session:*": 1800], now: Date(timeIntervalSince1970: 100))
        state.shownNode.invalidation = invalidation
        try Self.check(DashboardRenderer.render(state, width: 120, height: 40), "key-lives-keyspace-120x40")
    }

    @Test("memory filling towards maxmemory: the overview says when it is full and draws the projection")
    func memoryProjection() throws {
        _ = DashboardFixture.pinTimeZone
        let node = DashboardFixture.node
        let limit = 67_108_864.0
        var store = MetricStore()
        // Five minutes of memory growing 60 KB/s from 40 MB: 5 minutes from full at the end.
        for second in 0..<300 {
            let used = 40_000_000 + 60_000 * Double(second)
            store.restore(
                NodeTick(
                    time: DashboardFixture.start + Double(second),
                    values: [
                        .metric(.up): 1, .metric(.usedMemoryBytes): used, .metric(.maxmemoryBytes): limit,
                        .metric(.memoryUsedRatio): used / limit,
                        .metric(.memoryFullEtaSeconds): (limit - used) / 60_000,
                        .metric(.opsPerSec): 1_500, .metric(.hitRatio): 0.93,
                    ],
                    info: [
                        "server": ["redis_version": "7.0.15", "run_id": "fixture", "uptime_in_seconds": "3600"],
                        "memory": [
                            "used_memory": String(Int64(used)), "maxmemory": String(Int64(limit)),
                            "maxmemory_policy": "allkeys-lru",
                        ],
                        "replication": ["role": "master"],
                    ]),
                node: node)
        }
        let state = DashboardState(
            store: store, node: node, interval: 1, now: Date(timeIntervalSince1970: DashboardFixture.start + 300))
        let screen = DashboardRenderer.render(state, width: 120, height: 40)
        // The line's ETA and the projection's label: 2 minutes 32 s left (critical, under 5 minutes).
        #expect(screen.text.components(separatedBy: "full in ~2m").count == 2, "\(screen.text)")
        #expect(screen.text.contains(" full ~2m"), "\(screen.text)")
        try Self.check(screen, "memory-projection-overview-120x40")
    }

    @Test("a keyspace shown from the node's dump (--rdb): every key, the file and its age in the namespaces panel")
    func keyspaceFromDump() throws {
        var state = DashboardFixture.state(view: .keyspace)
        let saved = Date(
            timeIntervalSince1970: DashboardFixture.start + Double(DashboardFixture.seconds) - 3 * 3600 - 720)
        var model = KeyspaceModel()
        for index in 0..<3_000 {
            model.record(
                KeyMetadata(
                    name: Array("user:\(index):profile".utf8), type: "hash",
                    ttlMilliseconds: Int64(86_400_000 + index * 1000),
                    memoryBytes: 900, length: 12, observedAt: saved),
                now: saved)
        }
        model.record(
            KeyMetadata(
                name: Array("report:daily".utf8), type: "string", memoryBytes: 2_621_520, length: 2_621_440,
                observedAt: saved),
            now: saved)
        model.updateTotal(keys: 3_001)
        model.completePass()
        model.refresh(now: saved)
        state.engine.adopt(
            KeyspaceDump(path: "/var/lib/redis/dump.rdb", savedAt: saved, model: model), node: DashboardFixture.node,
            now: Date(timeIntervalSince1970: DashboardFixture.start + Double(DashboardFixture.seconds)))
        let screen = DashboardRenderer.render(state, width: 120, height: 40)
        #expect(screen.text.contains("dump.rdb, saved 3h 12m ago · 3.00k keys"), "\(screen.text)")
        #expect(screen.text.contains("user:*:profile"))
        try Self.check(screen, "keyspace-from-dump-120x40")
    }
}
