import Engine
import Fleet
import Foundation
import TestSupport
import Testing

/// The engine's one stream: batches, a deadline, cancellation, nothing lost.
@Suite("The engine's event stream", .sameOnEveryServer)
struct EngineEventsTests {
    @Test("events pushed before a wait come out as one batch, in order; drain takes what is left")
    func batches() async {
        let events = EngineEvents()
        events.push(.notice("one"))
        events.push(.notice("two"))
        let batch = await events.next()
        #expect(batch?.map(Self.text) == ["one", "two"])
        #expect(events.drain().isEmpty)
        events.push(.notice("three"))
        #expect(events.drain().map(Self.text) == ["three"])
    }

    @Test("a waiting consumer wakes for an event pushed from another task")
    func wakes() async {
        let events = EngineEvents()
        async let batch = events.next()
        // The push may come before or after the wait begins: either way it arrives once.
        Task.detached { events.push(.notice("later")) }
        #expect(await batch?.map(Self.text) == ["later"])
    }

    @Test("at the deadline an empty batch; an event that races the deadline is not lost")
    func deadline() async {
        let events = EngineEvents()
        let start = ContinuousClock.now
        let empty = await events.next(before: start + .milliseconds(50))
        #expect(empty?.isEmpty == true)
        #expect(ContinuousClock.now - start >= .milliseconds(50))
        for index in 0..<200 {
            events.push(.notice("\(index)"))
            let batch = await events.next(before: .now)
            #expect(batch?.map(Self.text) == ["\(index)"], "round \(index)")
        }
    }

    @Test("a cancelled wait returns nil at once")
    func cancelled() async {
        let events = EngineEvents()
        let waiting = Task { await events.next() }
        waiting.cancel()
        #expect(await waiting.value == nil)
        // A later event is still there for the next consumer.
        events.push(.notice("kept"))
        #expect(events.drain().map(Self.text) == ["kept"])
    }

    private static func text(_ event: FleetEvent) -> String {
        if case .notice(let text) = event { return text }
        return "?"
    }
}
