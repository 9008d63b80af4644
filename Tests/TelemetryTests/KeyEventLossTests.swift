import Telemetry
import TestSupport
import Testing

@Suite("Events lost: the server's count against the events received, at each subscription", .sameOnEveryServer)
struct KeyEventLossTests {
    @Test("events the server counted while the subscription was down are lost, once")
    func lossAcrossAGap() {
        var loss = KeyEventLoss()
        #expect(loss.check(serverCount: 1_000, received: 0) == 0)  // the first subscription
        // Subscribed: 5,000 events, all received; then the subscription drops and 700 more
        // happen before the next one.
        #expect(loss.check(serverCount: 6_700, received: 5_000) == 700)
        #expect(loss.check(serverCount: 6_900, received: 5_200) == 0)
    }

    @Test("a restarted server, or counts that cannot stand for the events, are unknown — not a loss")
    func unknown() {
        var loss = KeyEventLoss()
        _ = loss.check(serverCount: 1_000, received: 0)
        #expect(loss.check(serverCount: 10, received: 50) == nil)  // restarted: counters went back
        #expect(loss.check(serverCount: 60, received: 100) == 0)  // compared again from there
        #expect(loss.check(serverCount: nil, received: 150) == nil)  // another database holds keys
        #expect(loss.check(serverCount: 500, received: 160) == nil)  // no comparison to go from
        #expect(loss.check(serverCount: 520, received: 170) == 10)
    }
}
