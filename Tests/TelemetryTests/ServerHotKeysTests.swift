import Foundation
import Metrics
import NIOCore
import RESP
import RedisClient
import Telemetry
import TestSupport
import Testing

/// `HOTKEYS` of both dialects, from replies built from the commands' documentation: no Valkey
/// 9.2 or Redis 8.6 is packaged here (see ``FakeHotkeyServer``).
@Suite("Server hot keys (HOTKEYS)", .sameOnEveryServer)
struct ServerHotKeysTests {
    private func bulk(_ text: String) -> RESPValue { .bulkString(ByteBuffer(string: text)) }

    @Test("Valkey: entries as RESP3 maps or RESP2 pairs; INFO hotkeys; settings; sorted by accesses")
    func valkeyWindow() throws {
        let resp3 = RESPValue.array([
            .map([
                RESPPair(key: bulk("key"), value: bulk("user:42")), RESPPair(key: bulk("db"), value: .integer(3)),
                RESPPair(key: bulk("qps"), value: .integer(900)),
            ]),
            .array([
                bulk("key"), .bulkString(ByteBuffer(bytes: [0x70, 0xFF])), bulk("db"), .integer(0), bulk("qps"),
                .integer(48_200),
            ]),
            .array([bulk("db"), .integer(0), bulk("qps"), .integer(5)]),  // no key: skipped
        ])
        let settings = try #require(
            ValkeyHotkeySettings(
                reply: .array([
                    bulk("hotkeys-top-k"), bulk("16"), bulk("hotkeys-sampling-percentage"), bulk("5"),
                    bulk("hotkeys-window-seconds"), bulk("2"),
                ])))
        #expect(settings == ValkeyHotkeySettings(topK: 16, samplingPercentage: 5, windowSeconds: 2))
        let hot = try #require(
            ServerHotKeys(
                window: resp3,
                info: "# Hotkeys\r\nhotkeys_last_window_samples:211833\r\nhotkeys_last_window_duration_ms:2044\r\n",
                settings: settings))
        #expect(hot.entries.map(\.key) == [[0x70, 0xFF], Array("user:42".utf8)])
        #expect(hot.entries.map(\.accessesPerSecond) == [48_200, 900])
        #expect(hot.entries[1].instanceName == "user:42 (db 3)" && hot.entries[0].instanceName == "\"p\\xff\"")
        #expect(hot.windowMilliseconds == 2044 && hot.samples == 211_833 && hot.isTracking)
        #expect(hot.methodLine == "last window 2.0 s · 211833 samples · top 16 at 5 %")
        // Redis's session reply is not a window reply, nor is an error-shaped one.
        #expect(ServerHotKeys(window: .array([bulk("tracking-active"), .integer(1)]), info: nil, settings: nil) == nil)
        #expect(ServerHotKeys(window: .null, info: nil, settings: nil) == nil)
        #expect(ValkeyHotkeySettings(reply: .array([])) == nil, "a server without the parameters")
        #expect(ValkeyHotkeySettings(topK: 0).isEnabled == false)
    }

    @Test("Redis: a session's CPU microseconds and bytes become rates over its length, keys merged")
    func redisSession() throws {
        let report = try #require(
            HotkeysReport(
                reply: .array([
                    bulk("tracking-active"), .integer(0), bulk("sample-ratio"), .integer(4),
                    bulk("collection-duration-ms"), .integer(10_000), bulk("by-cpu-time-us"),
                    .array([bulk("catalog:all"), .integer(5_000_000), bulk("user:7"), .integer(100_000)]),
                    bulk("by-net-bytes"), .array([bulk("user:7"), .integer(300_000), bulk("cart:1"), .integer(50)]),
                ])))
        let hot = ServerHotKeys(session: report)
        #expect(hot.source == .redisSession && !hot.isTracking && hot.sampleRatio == 4)
        #expect(hot.entries.map { String(decoding: $0.key, as: UTF8.self) } == ["catalog:all", "user:7", "cart:1"])
        // 5 s of CPU over 10 s: 50 % of a core; 300 kB over 10 s: 30 kB/s.
        #expect(hot.entries[0].cpuPercent == 50 && hot.entries[0].networkBytesPerSecond == nil)
        #expect(hot.entries[1].cpuPercent == 1 && hot.entries[1].networkBytesPerSecond == 30_000)
        #expect(hot.methodLine == "session ended · 10.0 s · 1 key in 4 sampled")
    }

    @Test("dialects: Valkey 9.2+, Redis 8.6+, nothing before")
    func dialects() {
        func info(_ text: String) -> InfoSnapshot { InfoSnapshot(parsing: "# Server\r\n" + text) }
        #expect(PollCapabilities.hotkeyDialect(info("redis_version:8.6.0\r\n")) == .redisSession)
        #expect(PollCapabilities.hotkeyDialect(info("redis_version:8.4.0\r\n")) == nil)
        #expect(
            PollCapabilities.hotkeyDialect(
                info("redis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:9.2.0\r\n"))
                == .valkeyWindow)
        #expect(
            PollCapabilities.hotkeyDialect(
                info("redis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:9.0.1\r\n"))
                == nil)
    }

    @Test("the allowlist: HOTKEYS GET to monitor; START/STOP/RESET only on a session's connection")
    func allowlist() {
        let start = RESPCommand([
            "HOTKEYS", "START", "METRICS", "2", "CPU", "NET", "COUNT", "32", "DURATION", "10", "SAMPLE", "1",
        ])
        #expect(CommandPolicy.readOnlyMonitoring.permits(RESPCommand("HOTKEYS", "GET")))
        #expect(!CommandPolicy.readOnlyMonitoring.permits(start))
        #expect(!CommandPolicy.readOnlyMonitoring.permits(RESPCommand("HOTKEYS", "RESET")))
        #expect(CommandPolicy.hotkeySession.permits(start))
        #expect(CommandPolicy.hotkeySession.permits(RESPCommand("HOTKEYS", "STOP")))
        #expect(CommandPolicy.hotkeySession.permits(RESPCommand("HOTKEYS", "RESET")))
        #expect(CommandPolicy.hotkeySession.permits(RESPCommand("INFO", "server")))
        #expect(
            !CommandPolicy.hotkeySession.permits(
                RESPCommand("HOTKEYS", "START", "METRICS", "1", "CPU", "SLOTS", "1", "x")))
        #expect(!CommandPolicy.hotkeySession.permits(RESPCommand("HOTKEYS", "RESET", "extra")))
        #expect(!CommandPolicy.hotkeySession.permits(RESPCommand("SET", "k", "v")))
        #expect(!CommandPolicy.hotkeySession.permits(RESPCommand("MONITOR")))
    }
}

@Suite("Poller reads HOTKEYS (scripted Valkey 9.2 and Redis 8.6)", .sameOnEveryServer)
struct PollerHotkeysTests {
    private func poller(_ fake: FakeHotkeyServer) -> Poller {
        Poller(connection: ManagedConnection(endpoint: Endpoint(address: .tcp(host: "127.0.0.1", port: fake.port))))
    }

    private func hotkeyCommands(_ fake: FakeHotkeyServer) -> [[String]] {
        fake.commands.filter { $0.first == "HOTKEYS" || $0 == ["INFO", "HOTKEYS"] || $0.first == "CONFIG" }
    }

    @Test("Valkey with tracking on: the last window's keys, settings and samples, each poll")
    func valkeyOn() async throws {
        let fake = try await FakeHotkeyServer(.valkey(topK: 16))
        let poller = poller(fake)
        let first = try #require(await poller.poll().reading)
        #expect(first.serverHotKeys == nil, "the first poll learns the version")
        let second = try #require(await poller.poll().reading)
        let hot = try #require(second.serverHotKeys)
        #expect(hot.source == .valkeyWindow && hot.isTracking && hot.settings?.topK == 16)
        #expect(hot.entries.map { KeyName.escaped($0.key) } == ["product:8fd21a", "user:42", "ghost:1"])
        #expect(hot.entries.first?.accessesPerSecond == 48_200 && hot.windowMilliseconds == 1022)
        _ = await poller.poll()
        let sent = hotkeyCommands(fake)
        #expect(sent.filter { $0.first == "CONFIG" }.count == 1, "settings once a minute: \(sent)")
        #expect(sent.filter { $0 == ["HOTKEYS", "GET"] }.count == 2)
        #expect(second.unavailable.isEmpty)
        await fake.stop()
    }

    @Test("Valkey with tracking off: no HOTKEYS GET, a reading that says it is off")
    func valkeyOff() async throws {
        let fake = try await FakeHotkeyServer(.valkey(topK: 0))
        let poller = poller(fake)
        _ = await poller.poll()
        _ = await poller.poll()
        let third = try #require(await poller.poll().reading)
        let hot = try #require(third.serverHotKeys)
        #expect(!hot.isTracking && hot.entries.isEmpty && hot.settings?.isEnabled == false)
        // The second poll sent GET beside the first CONFIG GET (settings not known yet); not after.
        #expect(hotkeyCommands(fake).filter { $0 == ["HOTKEYS", "GET"] }.count == 1, "\(hotkeyCommands(fake))")
        await fake.stop()
    }

    @Test("an ACL without @admin: HOTKEYS noted unavailable once, never asked again")
    func refused() async throws {
        let fake = try await FakeHotkeyServer(.valkey(topK: 16), refusesHotkeys: true)
        let poller = poller(fake)
        _ = await poller.poll()
        let second = try #require(await poller.poll().reading)
        #expect(second.serverHotKeys == nil)
        #expect(second.unavailable[.hotkeys]?.contains("HOTKEYS GET denied by ACL") == true, "\(second.unavailable)")
        _ = await poller.poll()
        _ = await poller.poll()
        #expect(hotkeyCommands(fake).filter { $0.first == "HOTKEYS" }.count == 1)
        await fake.stop()
    }

    @Test("Redis 8.6: a session's result read at the polls that read every section, never started")
    func redisSession() async throws {
        let fake = try await FakeHotkeyServer(.redis(sessionRunning: false))
        let poller = Poller(
            connection: ManagedConnection(endpoint: Endpoint(address: .tcp(host: "127.0.0.1", port: fake.port))),
            commandStatsEvery: 2)
        var read: [ServerHotKeys] = []
        for _ in 0..<5 { if let hot = await poller.poll().reading?.serverHotKeys { read.append(hot) } }
        #expect(read.count == 2, "polls 3 and 5 (the first learns the version)")
        #expect(read.first?.entries.first.map { KeyName.escaped($0.key) } == "catalog:all")
        #expect(read.first?.entries.first?.cpuPercent == 50)
        #expect(!fake.commands.contains { $0.first == "HOTKEYS" && $0.dropFirst().first != "GET" })
        await fake.stop()
    }

    @Test("NodeMetrics: the hottest as labelled metrics of their dialect, at most 20")
    func labelled() throws {
        var table = NodeTable<NodeMetrics>()
        func ingest(_ hot: ServerHotKeys, at second: Double) {
            var reading = Reading(info: nil, slowlog: nil, pingRTT: nil)
            reading.serverHotKeys = hot
            let time = Date(timeIntervalSince1970: second)
            table.ingest(Sample(node: "n", time: time, outcome: .reading(reading), finished: time))
        }
        let entries = (0..<30).map {
            ServerHotKeys.Entry(key: Array("k:\($0)".utf8), accessesPerSecond: Double(100 - $0))
        }
        ingest(ServerHotKeys(source: .valkeyWindow, entries: entries, isTracking: true), at: 1)
        var node = try #require(table["n"])
        #expect(node.instances(.hotkeyAccessesPerSec)?.count == 20)
        #expect(node.instances(.hotkeyAccessesPerSec)?["k:0"] == 100)
        #expect(node.instances(.hotkeyCPUPercent) == nil)
        // A Redis poll that finds no session keeps the result of the session cachewatch ran.
        let session = ServerHotKeys(
            source: .redisSession, entries: [.init(key: Array("a".utf8), cpuPercent: 3)], isTracking: false)
        table.record(session, node: "n")
        ingest(ServerHotKeys(source: .redisSession, entries: [], isTracking: false), at: 2)
        node = try #require(table["n"])
        #expect(node.serverHotKeys == session && node.instances(.hotkeyCPUPercent)?["a"] == 3)
        #expect(node.instances(.hotkeyAccessesPerSec) == nil)
    }
}
