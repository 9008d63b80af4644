import NIOCore
import NIOEmbedded
import TestSupport
import Testing

@testable import MetricsEndpoint

/// Which connection a full endpoint sheds: the least advanced not being answered, the oldest of
/// those — so that a flood of stalled connections cannot push out a genuine client mid-handshake.
@Suite("Connection shedding", .sameOnEveryServer)
struct ConnectionRegistryTests {
    private func makeRegistry(max: Int) -> ConnectionRegistry {
        ConnectionRegistry(maxConnections: max) { _ in }
    }

    @Test("a client the endpoint answered outlives newer silent connections; the oldest silent one goes first")
    func advancingOutlivesSilent() {
        let registry = makeRegistry(max: 3)
        let client = EmbeddedChannel()
        let first = EmbeddedChannel()
        #expect(registry.opened(client, phase: .handshake) == nil)
        registry.advanced(client)  // its hello was whole: answered
        #expect(registry.opened(first, phase: .handshake) == nil)
        let second = EmbeddedChannel()
        #expect(registry.opened(second, phase: .handshake) == nil)
        // Full: each newcomer sheds the oldest silent connection, never the advancing client.
        var shed: [ObjectIdentifier] = []
        for _ in 0..<50 {
            let newcomer = EmbeddedChannel()
            if let victim = registry.opened(newcomer, phase: .handshake) { shed.append(ObjectIdentifier(victim)) }
        }
        #expect(shed.count == 50)
        #expect(shed.prefix(2) == [ObjectIdentifier(first), ObjectIdentifier(second)])
        #expect(!shed.contains(ObjectIdentifier(client)))
    }

    @Test("a keep-alive that was served goes after advancing ones; a new phase makes a connection silent again")
    func servedGoesLast() {
        let registry = makeRegistry(max: 2)
        let scraper = EmbeddedChannel()
        #expect(registry.opened(scraper, phase: .header) == nil)
        registry.advanced(scraper)
        registry.changed(scraper, to: .response)
        registry.changed(scraper, to: .idle)  // served, now between scrapes
        let advancing = EmbeddedChannel()
        #expect(registry.opened(advancing, phase: .header) == nil)
        registry.advanced(advancing)
        let newcomer = EmbeddedChannel()
        #expect(registry.opened(newcomer, phase: .header).map(ObjectIdentifier.init) == ObjectIdentifier(advancing))

        // A TLS client answered in its handshake is silent again in its header phase until bytes come.
        let tls = makeRegistry(max: 2)
        let stalled = EmbeddedChannel()
        let late = EmbeddedChannel()
        #expect(tls.opened(stalled, phase: .handshake) == nil)
        tls.advanced(stalled)
        tls.changed(stalled, to: .header)
        #expect(tls.opened(late, phase: .handshake) == nil)
        tls.advanced(late)
        let third = tls.opened(EmbeddedChannel(), phase: .handshake)
        #expect(third.map(ObjectIdentifier.init) == ObjectIdentifier(stalled))
    }

    @Test("a connection being answered is never shed: the newcomer is, when every other one is")
    func responseNeverShed() {
        let registry = makeRegistry(max: 1)
        let answered = EmbeddedChannel()
        #expect(registry.opened(answered, phase: .header) == nil)
        registry.changed(answered, to: .response)
        let newcomer = EmbeddedChannel()
        #expect(registry.opened(newcomer, phase: .header).map(ObjectIdentifier.init) == ObjectIdentifier(newcomer))
        #expect(registry.stats.shed == 1 && registry.stats.open == 1)
    }
}
