import Foundation
import Metrics
import Telemetry
import TestSupport
import Testing

@testable import Recording

/// Tick records: a keyframe holds the whole tick, the records between only what changed; every
/// tick reads back exactly, and damaged bytes are refused in one line, never a crash.
@Suite("Tick records")
struct TickCodecTests {
    /// A node's ticks as a busy cache makes them: counters moving, gauges still, namespaces
    /// coming and going, INFO fields changing, a failure, slow-log and command-log entries, hot
    /// slots.
    static func ticks(count: Int, seed: UInt64) -> [NodeTick] {
        var generator = SplitMix64(seed: seed)
        var ticks: [NodeTick] = []
        for index in 0..<count {
            var tick = NodeTick(time: 1_800_000_000 + Double(index))
            if index % 37 == 36 {
                tick.failure = PollFailure(kind: .timeout, message: "no reply within 2 s")
                tick.values = [.metric(.up): 0]
                ticks.append(tick)
                continue
            }
            tick.values = [
                .metric(.up): 1, .metric(.hitRatio): Double.random(in: 0.8...0.99, using: &generator),
                .metric(.opsPerSec): Double(Int.random(in: 1_000...2_000, using: &generator)),
                .metric(.maxmemoryBytes): 104_857_600, .metric(.usedMemoryBytes): 90_000_000 + Double(index * 4096),
                .database(0, .keys): 1_000_000, .metric(.pingMs): 0.25,
            ]
            if index % 10 == 0 { tick.values[.metric(.evictedPerSec)] = 12.5 }
            var namespaces: [String: Double] = [:]
            for namespace in 0..<20 where (namespace + index) % 23 != 0 {
                namespaces["tenant\(namespace):*"] = Double(Int.random(in: 0...500, using: &generator))
            }
            tick.instances[.namespaceKeys] = namespaces
            if index % 5 != 0 { tick.instances[.namespaceMissesPerSec] = ["price:*": Double(index % 3)] }
            tick.info = [
                "server": ["redis_version": "7.0.15", "run_id": "abc", "uptime_in_seconds": String(1000 + index)],
                "stats": [
                    "total_commands_processed": String(1_000_000 + index * 1500), "keyspace_hits": String(index),
                ],
            ]
            if index % 10 == 0 { tick.info?["commandstats"] = ["cmdstat_get": "calls=\(index),usec=9"] }
            if index > 50 { tick.unavailable = [.slowlog: "SLOWLOG refused: NOPERM"] }
            if index % 17 == 0 {
                tick.slowlog = [
                    SlowlogEntry(
                        id: Int64(index), timestamp: Date(timeIntervalSince1970: 1_800_000_000 + Double(index)),
                        duration: .microseconds(12_345), arguments: [Array("KEYS".utf8), [0xFF, 0x00, 0x2A]],
                        clientAddress: "10.0.0.7:5555", clientName: index % 2 == 0 ? "app" : nil)
                ]
            }
            if index % 23 == 0 {
                tick.commandLog = [
                    CommandLogEntry(
                        kind: .largeReply, id: Int64(index), time: 1_800_000_000 + Int64(index), bytes: 2_000_000,
                        command: "HGETALL", key: Array("catalog:all".utf8), client: "10.0.0.7:5555"),
                    CommandLogEntry(
                        kind: .largeRequest, id: Int64(index), time: 1_800_000_000, bytes: 600_000, command: "EVAL",
                        key: nil, client: ""),
                ]
            }
            if index % 4 == 0 {
                tick.hotSlots = SlotActivity.Ranking(
                    slots: [
                        SlotActivity.Slot(
                            slot: 12_182, keys: 58, cpuMicrosecondsPerSecond: 812.5, networkBytesInPerSecond: 1e5,
                            networkBytesOutPerSecond: 3.2e6, cpuShare: 0.61, ownCpuMicrosecondsPerSecond: 4.5),
                        SlotActivity.Slot(slot: 7, keys: Int64(index)),
                    ], cpuMicrosecondsPerSecond: index % 8 == 0 ? 1_330 : nil, keepsTraffic: index % 8 == 0,
                    ownedSlots: 5_461, isComplete: index > 40)
                tick.slotNamespaces = [12_182: ["price:*": 40, "user:*": 18]]
            }
            ticks.append(tick)
        }
        return ticks
    }

    @Test("every tick reads back exactly, from the first keyframe and from any later one")
    func roundTrip() throws {
        let ticks = Self.ticks(count: 300, seed: 7)
        var encoder = TickEncoder()
        var names: [String: UInt64] = [:]
        var records: [[UInt8]] = []
        for (index, tick) in ticks.enumerated() {
            records.append(
                encoder.encode(tick, keyframe: index % 60 == 0) { name in
                    if let id = names[name] { return id }
                    names[name] = UInt64(names.count + 1)
                    return UInt64(names.count)
                })
        }
        let byID = TickNames(Dictionary(uniqueKeysWithValues: names.map { (Int64($0.value), $0.key) }))
        for start in [0, 60, 120, 240] {
            var decoder = TickDecoder()
            for index in start..<ticks.count {
                let tick = try decoder.decode(records[index], names: byID)
                try #require(tick == ticks[index], "tick \(index) from keyframe \(start)")
            }
        }
        // A change record with no keyframe before it is refused.
        var lost = TickDecoder()
        #expect(throws: RecordingError.self) { try lost.decode(records[61], names: byID) }
        #expect(TickDecoder.isKeyframe(records[60]) && !TickDecoder.isKeyframe(records[61]))
        // Changes are smaller than keyframes (here every namespace's figure moves at every tick).
        let keyframes: [Int] = stride(from: 0, to: 300, by: 60).map { records[$0].count }
        let changes: [Int] = records.indices.filter { $0 % 60 != 0 }.map { records[$0].count }
        let keyframeMean = Double(keyframes.reduce(0, +)) / Double(keyframes.count)
        let changeMean = Double(changes.reduce(0, +)) / Double(changes.count)
        #expect(changeMean < keyframeMean * 0.8, "changes \(changeMean) B, keyframes \(keyframeMean) B")
    }

    @Test("damaged records are refused in one line, never a crash")
    func damaged() {
        let ticks = Self.ticks(count: 3, seed: 1)
        var encoder = TickEncoder()
        var names: [String: UInt64] = [:]
        let record = encoder.encode(ticks[1], keyframe: true) { name in
            if let id = names[name] { return id }
            names[name] = UInt64(names.count + 1)
            return UInt64(names.count)
        }
        let byID = TickNames(Dictionary(uniqueKeysWithValues: names.map { (Int64($0.value), $0.key) }))
        var generator = SplitMix64(seed: 3)
        var refused = 0
        for trial in 0..<2_000 {
            var bytes = record
            switch trial % 3 {
            case 0: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            case 1:
                for _ in 0..<4 {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
                        in: 0...255, using: &generator)
                }
            default:
                // Uncompressed garbage after a plain codec byte.
                bytes = [TickFlags.plain] + (0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            var decoder = TickDecoder()
            do {
                _ = try decoder.decode(bytes, names: byID)
            } catch {
                refused += 1
                #expect(!error.description.contains("\n"))
            }
        }
        #expect(refused > 1_000)
    }
}
