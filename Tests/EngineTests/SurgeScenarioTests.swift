import Alerts
import Engine
import Fleet
import Foundation
import Metrics
import TestSupport
import Testing

/// Seeing it coming, through the engine's step and the built-in rules, in virtual time: a viral
/// spike is called a surge within a minute and memory full before the first eviction; a day's
/// cycle of traffic, ×3 between night and peak, raises nothing.
@Suite("Surges and forecasts in virtual time", .sameOnEveryServer)
struct SurgeScenarioTests {
    @Test(
        "a viral spike (a steady minute, then ×20 over two minutes while new keys fill memory): TrafficSurge within a minute, MemoryFullSoon ≥ 30 s before the first eviction, its ETA 40 s before within ×2",
        arguments: 1...3
    )
    func viralSpike(seed: UInt64) throws {
        var cache = VirtualCache(seed: seed)
        cache.policy = "allkeys-lru"
        cache.usedMemory = 200 << 20
        cache.maxmemory = 256 << 20
        let steadyReads = cache.readsPerSecond
        let steadyWrites = cache.writesPerSecond
        var state = EngineState(rules: DefaultRules.rules)
        var events: [TimedAlertEvent] = []
        var etas: [Int: Double] = [:]
        var firstEviction: Int?
        for second in 0..<400 {
            // ×1 for a minute, then ×20 over two minutes, held.
            let factor = 1 + 19 * min(max(Double(second - 60) / 120, 0), 1)
            cache.readsPerSecond = steadyReads * factor
            cache.writesPerSecond = steadyWrites * factor
            // New keys: 20 KB/s of memory at the steady traffic, 400 KB/s at its peak; full, the
            // node evicts what the writes add.
            let grown = cache.usedMemory + Int64(20_000 * factor)
            if grown >= cache.maxmemory {
                cache.usedMemory = cache.maxmemory
                cache.evictedPerSecond = cache.writesPerSecond
                firstEviction = firstEviction ?? second
            } else {
                cache.usedMemory = grown
            }
            let batch = [cache.tick(), cache.sampledKeys(20)]
            let outcome = state.apply(batch, now: Date(timeIntervalSince1970: cache.time))
            events += outcome.alertEvents.map { TimedAlertEvent(second: second, event: $0) }
            etas[second] = state.store[cache.node]?.latest(.memoryFullEtaSeconds)
        }
        let eviction = try #require(firstEviction, "memory never filled")
        let firing = events.filter { $0.event.kind == .firing }
        #expect(!firing.contains { $0.second < 60 }, "nothing in the steady minute: \(firing)")
        let surge = try #require(firing.first { $0.event.alert.name == "TrafficSurge" }, "\(firing)")
        #expect(surge.second - 60 <= 60, "TrafficSurge \(surge.second - 60) s into the ramp")
        let soon = try #require(firing.first { $0.event.alert.name == "MemoryFullSoon" }, "\(firing)")
        #expect(eviction - soon.second >= 30, "MemoryFullSoon \(eviction - soon.second) s before the first eviction")
        #expect(soon.event.alert.summary.contains("full in ~"), "\(soon.event.alert.summary)")
        let eta = try #require(etas[eviction - 40], "no ETA 40 s before the first eviction")
        #expect(eta >= 20 && eta <= 80, "ETA \(eta) s, 40 s before the first eviction")
    }

    @Test(
        "a compressed day — two hours, night to peak ×3 and back, noise, memory following the traffic — fires no surge, no forecast, nothing"
    )
    func compressedDay() throws {
        var cache = VirtualCache(seed: 7)
        cache.usedMemory = 120 << 20
        let day = 7_200.0
        // The rules that look ahead (the others judge the present: the healthy five minutes of
        // ScenarioTests cover them, a two-hour day of them would take half a minute).
        let ahead: Set = [
            "TrafficSurge", "MemoryFullSoon", "MemoryFullImminent", "ClientsNearMax", "MainThreadSaturated",
        ]
        var state = EngineState(rules: DefaultRules.rules.filter { ahead.contains($0.name) })
        var events: [TimedAlertEvent] = []
        var highest = 0.0
        for second in 0..<Int(day) {
            let cycle = (1 - cos(2 * .pi * Double(second) / day)) / 2
            cache.readsPerSecond = 700 * (1 + 2 * cycle)
            cache.writesPerSecond = 40 * (1 + 2 * cycle)
            // The working set follows the traffic: 120 MB at night, 170 MB at the peak.
            cache.usedMemory = (120 << 20) + Int64(50 * Double(1 << 20) * cycle)
            let batch = [cache.tick()]
            let outcome = state.apply(batch, now: Date(timeIntervalSince1970: cache.time))
            events += outcome.alertEvents.map { TimedAlertEvent(second: second, event: $0) }
            highest = max(highest, state.store[cache.node]?.latest(.opsSurgeRatio) ?? 0)
        }
        #expect(events.isEmpty, "\(events)")
        #expect(highest < 2, "the highest surge ratio: \(highest)")
    }
}
