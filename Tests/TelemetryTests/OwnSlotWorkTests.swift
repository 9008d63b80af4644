import Foundation
import RESP
import RedisClient
import Telemetry
import TestSupport
import Testing
import Workload

/// `CLUSTER SLOT-STATS` counts every command on a slot's keys, ours too: the sampler's and the
/// key-life tracker's commands are counted per slot as they are sent and taken out of the
/// slot's CPU and request bytes, so that a quiet cluster's hottest slots are not the ones we
/// happened to sample.
@Suite("Our own commands out of slot statistics", .serialized)
struct OwnSlotWorkTests {
    @Test("our key commands are counted per slot only once asked for, by the key's hash slot")
    func counting() {
        let work = OwnSlotWork()
        work.add([(Array("{a}1".utf8), 4, 100)])
        #expect(work.counts(in: 0...16_383).isEmpty, "nothing before tracking starts")
        work.startTracking()
        work.add([(Array("{a}1".utf8), 4, 100), (Array("{a}2".utf8), 2, 40), (Array("b".utf8), 1, 20)])
        let slotA = HashSlot.of(Array("a".utf8))
        let counts = work.counts(in: 0...16_383)
        #expect(counts[slotA] == OwnSlotWork.Counts(commands: 6, requestBytes: 140))
        #expect(counts[HashSlot.of(Array("b".utf8))] == OwnSlotWork.Counts(commands: 1, requestBytes: 20))
        #expect(counts.count == 2)
        #expect(work.counts(in: slotA...slotA).count == 1)
    }

    @Test("our CPU and request bytes come out of a slot's rates; what is left is the application's")
    func subtracted() {
        var activity = SlotActivity()
        let start = Date(timeIntervalSince1970: 1_000)
        func entry(_ slot: Int, cpu: Int64, bytes: Int64) -> SlotStatsEntry {
            SlotStatsEntry(
                slot: slot, keyCount: 10, cpuMicroseconds: cpu, networkBytesIn: bytes, networkBytesOut: bytes)
        }
        activity.record(
            [entry(1, cpu: 0, bytes: 0), entry(2, cpu: 0, bytes: 0)], for: 0...16_383, at: start,
            own: [1: .init(commands: 100, requestBytes: 3_000)], ownCommandMicroseconds: 2)
        // A second later: slot 1 took 1,500 µs of which our 500 commands' 1,000; slot 2 is only ours.
        activity.record(
            [entry(1, cpu: 1_500, bytes: 20_000), entry(2, cpu: 400, bytes: 6_000)], for: 0...16_383,
            at: start.addingTimeInterval(1),
            own: [1: .init(commands: 600, requestBytes: 18_000), 2: .init(commands: 200, requestBytes: 6_000)],
            ownCommandMicroseconds: 2)
        let ranking = activity.ranking()
        let slot1 = ranking.slots.first { $0.slot == 1 }
        #expect(slot1?.cpuMicrosecondsPerSecond == 500)
        #expect(slot1?.ownCpuMicrosecondsPerSecond == 1_000)
        #expect(slot1?.networkBytesInPerSecond == 5_000)
        #expect(slot1?.networkBytesOutPerSecond == 20_000, "reply bytes keep ours")
        let slot2 = ranking.slots.first { $0.slot == 2 }
        #expect(slot2?.cpuMicrosecondsPerSecond ?? 0 == 0, "only ours, never below zero")
        #expect(ranking.cpuMicrosecondsPerSecond == 500)
        #expect(slot1?.cpuShare == 1)
    }

    @Test("a lone cluster node that only we read: the slot CPU left is under half of what our sampler took")
    func samplerAlone() async throws {
        let slotStats = ServerBinary.majorVersion >= 8
        let settings =
            ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"]
            + (slotStats ? ["--cluster-slot-stats-enabled", "yes"] : [])
        try await withRedisServer(settings, port: try FreePort.forClusterNode()) { server in
            let admin = try await server.client()
            _ = try await admin.send(RESPCommand(["CLUSTER", "ADDSLOTS"] + (0..<16_384).map(String.init)))
            #expect(
                try await eventually {
                    (try? await admin.send(RESPCommand("CLUSTER", "INFO")))?.stringValue?.contains("cluster_state:ok")
                        == true
                })
            // 20,000 strings in 40 slots (hash tags): our commands on them are concentrated.
            for tag in 0..<40 {
                _ = try await admin.pipeline(
                    (0..<500).map { RESPCommand("SET", "{t\(tag)}:price:\($0)", String(repeating: "p", count: 40)) })
            }
            let own = OwnTraffic()
            let poller = Poller(connection: ManagedConnection(endpoint: server.endpoint), ownTraffic: own)
            var configuration = KeySamplerConfiguration.fullScan
            configuration.scanCount = 500
            let sampler = KeySampler(
                connection: ManagedConnection(endpoint: server.endpoint), configuration: configuration, ownTraffic: own)
            var last: SlotActivity.Ranking?
            var polls = 0
            let clock = ContinuousClock()
            let end = clock.now + .seconds(slotStats ? 30 : 0.5)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled { _ = try await sampler.nextBatch() }
                }
                defer { group.cancelAll() }
                while clock.now < end {
                    let sample = await poller.poll()
                    polls += 1
                    if case .reading(let reading) = sample.outcome, let ranking = reading.hotSlots {
                        last = ranking
                        // Two whole cycles of pages and then some: every slot's rate is in.
                        if ranking.isComplete && polls > 40 { break }
                    }
                }
            }
            guard slotStats else {
                #expect(last == nil, "no slot stats on this server")
                #expect(own.slotWork.counts(in: 0...16_383).isEmpty, "nothing counted per slot")
                await admin.close()
                return
            }
            let ranking = try #require(last)
            #expect(ranking.isComplete && ranking.keepsTraffic)
            let ours = ranking.ownCpuMicrosecondsPerSecond ?? 0
            let left = ranking.cpuMicrosecondsPerSecond ?? 0
            #expect(ours > 1_000, "the sampler's commands took CPU on the tagged slots: \(ours) µs/s")
            // Without the subtraction all of it is left. What stays is noise: the server times each
            // command to the microsecond (these take 0.2–0.3 µs), and a slot's commands come in
            // bursts that a page can read half-run (typically 10–25 % of ours).
            #expect(left < ours / 2, "left \(left) µs/s of our \(ours) µs/s: \(ranking.slots.prefix(5))")
            await admin.close()
        }
    }
}
