import Metrics
import Telemetry
import Testing

@Suite("Traffic profile")
struct TrafficProfileTests {
    private func line(_ time: Double, _ client: String, _ words: String...) -> MonitorLine {
        let quoted = words.map { "\"\($0)\"" }.joined(separator: " ")
        return MonitorLine(Array("\(time) [0 \(client)] \(quoted)".utf8))!
    }

    @Test("a read then a write of the key by the same client within the window is a miss; others are not")
    func inference() {
        var profile = TrafficProfile(refillWindow: 3)
        profile.add(line(10, "a:1", "GET", "user:1"))
        profile.add(line(10.01, "a:1", "SET", "user:1", "v"))  // refill: miss
        profile.add(line(11, "a:1", "GET", "user:2"))  // hit: no write
        profile.add(line(12, "b:2", "GET", "user:3"))
        profile.add(line(12.1, "c:3", "SET", "user:3", "v"))  // another client: not a refill
        profile.add(line(13, "a:1", "GET", "user:4"))
        profile.add(line(16.5, "a:1", "SET", "user:4", "v"))  // too late
        profile.add(line(17, "a:1", "MGET", "user:5", "user:6"))
        profile.add(line(17.1, "a:1", "MSET", "user:6", "v", "x", "w"))  // refills user:6 only
        profile.addMonitoredTime(10)
        let user = profile.namespaces(missesFrom: .cacheAsideInference).first { $0.namespace == "user:*" }
        #expect(user?.reads == 6)
        #expect(user?.misses == 2)
        #expect(user?.writes == 4)
        #expect(user?.hitRatio == 1 - 2.0 / 6)
    }

    @Test("keymiss events give the misses when chosen; deletes, top commands and keys per namespace")
    func events() {
        var profile = TrafficProfile()
        for index in 0..<11 { profile.add(line(Double(index), "a:1", "GET", "price:\(index % 2)")) }
        profile.add(line(20, "a:1", "DEL", "price:1", "price:2"))
        profile.add(line(21, "a:1", "GETDEL", "price:0"))
        profile.addKeyMiss(Array("price:7".utf8))
        profile.addMonitoredTime(2)
        let price = profile.namespaces(missesFrom: .keymissEvents).first { $0.namespace == "price:*" }
        #expect(price?.reads == 12 && price?.deletes == 3 && price?.misses == 1)
        #expect(price?.topCommands.first?.name == "GET" && price?.topCommands.first?.count == 11)
        #expect(price?.topKeys.first.map { String(decoding: $0.key, as: UTF8.self) } == "price:0")
        let report = ProfileReport(
            node: "n", startedAt: .init(timeIntervalSince1970: 0), schedule: .window(2), profile: profile,
            missSource: .keymissEvents)
        #expect(report.metricInstances[.namespaceReadsPerSec]?["price:*"] == 6)
        #expect(report.metricInstances[.namespaceHitRatio]?["price:*"] == 1 - 1.0 / 12)
    }

    @Test("a client that reads metadata (SCAN, TYPE, MEMORY, OBJECT) is a tool: its length reads are left out")
    func tools() {
        var profile = TrafficProfile()
        profile.add(line(1, "app:1", "GET", "search:1"))
        profile.add(line(1, "cw:9", "TYPE", "search:1"))
        profile.add(line(1, "cw:9", "STRLEN", "search:1"))
        profile.add(line(1, "cw:9", "GET", "search:2"))
        let search = profile.namespaces(missesFrom: .cacheAsideInference).first { $0.namespace == "search:*" }
        #expect(search?.reads == 1)
        #expect(profile.toolCommands == 3 && profile.commands == 4)
    }

    @Test("bounded: namespaces past the cap are one, reads awaiting a refill are capped oldest first")
    func bounded() {
        var profile = TrafficProfile(namespaceCap: 2, pendingCap: 3)
        for (index, name) in ["a:x", "b:x", "c:x", "d:x"].enumerated() {
            profile.add(line(Double(index) * 0.01, "c:1", "GET", name))
        }
        profile.add(line(0.1, "c:1", "SET", "a:x", "v"))  // forgotten: the cap dropped it
        profile.add(line(0.1, "c:1", "SET", "d:x", "v"))
        let names = profile.namespaces(missesFrom: .cacheAsideInference)
        #expect(names.map(\.namespace).sorted() == ["(other)", "a:x", "b:x"])
        #expect(profile.forgottenReads == 1)
        #expect(names.first { $0.namespace == "(other)" }?.misses == 1)
    }

    @Test("top counter: hot items found among many; inherited counts do not rank")
    func topCounter() {
        var counter = TopCounter<Int>(capacity: 8)
        for round in 0..<200 {
            counter.add(1)
            if round.isMultiple(of: 2) { counter.add(2) }
            counter.add(1000 + round)  // a stream of one-offs
        }
        let top = counter.top(3)
        #expect(top.map(\.item).prefix(2) == [1, 2])
        #expect(top.first?.count ?? 0 <= 200)
        #expect(!top.contains { $0.item >= 1000 && $0.count > 1 })
    }

    @Test("schedules: one window, or bursts at a pace")
    func schedules() {
        #expect(ProfileSchedule.window(10).burstStarts == [0])
        #expect(ProfileSchedule.window(10).dutyCycle == 1)
        let bursts = ProfileSchedule.bursts(0.25, every: 15, for: 60)
        #expect(bursts.burstStarts == [0, 15, 30, 45])
        #expect(bursts.dutyCycle == 0.25 / 15)
        #expect(bursts.description == "0.25 s every 15 s for 60 s")
    }
}
