import Foundation
import Telemetry
import TestSupport
import Testing

@Suite("Slow-log de-duplication", .sameOnEveryServer)
struct SlowlogTrackerTests {
    private func entries(_ ids: [Int64]) -> [SlowlogEntry] {
        // Newest first, as SLOWLOG GET returns them.
        ids.sorted(by: >).map {
            SlowlogEntry(
                id: $0, timestamp: Date(timeIntervalSince1970: 0), duration: .microseconds(10),
                arguments: [Array("GET".utf8)])
        }
    }

    @Test("overlapping replies report each id once, oldest first")
    func overlapping() {
        var tracker = SlowlogTracker()
        #expect(tracker.newEntries(in: entries([1, 2, 3]), runID: "a").entries.map(\.id) == [1, 2, 3])
        #expect(tracker.newEntries(in: entries([2, 3, 4, 5]), runID: "a").entries.map(\.id) == [4, 5])
        #expect(tracker.newEntries(in: entries([3, 4, 5]), runID: "a").entries.isEmpty)
    }

    @Test("SLOWLOG RESET: ids go on, nothing is repeated")
    func reset() {
        var tracker = SlowlogTracker()
        _ = tracker.newEntries(in: entries([1, 2]), runID: "a")
        #expect(tracker.newEntries(in: [], runID: "a").entries.isEmpty)
        let after = tracker.newEntries(in: entries([7]), runID: "a")
        #expect(after.entries.map(\.id) == [7])
        #expect(after.missed == 4)  // 3…6 were logged and reset away before we saw them
    }

    @Test("a restart (new run_id) starts over even when ids collide")
    func restart() {
        var tracker = SlowlogTracker()
        _ = tracker.newEntries(in: entries([10, 11]), runID: "a")
        let delta = tracker.newEntries(in: entries([0, 1]), runID: "b")
        #expect(delta.entries.map(\.id) == [0, 1])
        #expect(delta.serverRestarted)
        #expect(tracker.newEntries(in: entries([0, 1, 2]), runID: "b").entries.map(\.id) == [2])
    }

    @Test("without a run_id, ids going backwards mean a restart")
    func restartWithoutRunID() {
        var tracker = SlowlogTracker()
        _ = tracker.newEntries(in: entries([10, 11]), runID: nil)
        #expect(tracker.newEntries(in: entries([0]), runID: nil).entries.map(\.id) == [0])
    }

    @Test("a list that rotated between polls reports how many were missed")
    func rotation() {
        var tracker = SlowlogTracker()
        _ = tracker.newEntries(in: entries([1, 2]), runID: "a")
        let delta = tracker.newEntries(in: entries([200, 201]), runID: "a")
        #expect(delta.entries.map(\.id) == [200, 201])
        #expect(delta.missed == 197)
    }

    @Test("binary arguments are shown escaped")
    func escapes() {
        let entry = SlowlogEntry(
            id: 1, timestamp: Date(), duration: .milliseconds(12),
            arguments: [Array("SET".utf8), [0x6B, 0x00, 0xFF], Array("a b".utf8), Array("x\"y".utf8)])
        #expect(entry.commandLine == #"SET "k\x00\xff" "a b" "x\"y""#)
        #expect(entry.commandName == "SET")
    }
}
