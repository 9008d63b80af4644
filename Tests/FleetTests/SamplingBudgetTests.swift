import Fleet
import Telemetry
import TestSupport
import Testing

@Suite("Key sampling over many nodes", .sameOnEveryServer)
struct SamplingBudgetTests {
    @Test("100 keys/s per node up to ten nodes, then 1,000/s shared out, never under 10; a fixed rate stays")
    func budget() {
        let shared = FleetConfiguration(sampling: KeySamplerConfiguration())
        #expect(shared.keysPerSecond(sampledNodes: 1) == 100)
        #expect(shared.keysPerSecond(sampledNodes: 10) == 100)
        #expect(shared.keysPerSecond(sampledNodes: 50) == 20)
        #expect(shared.keysPerSecond(sampledNodes: 500) == 10)
        let fixed = FleetConfiguration(sampling: KeySamplerConfiguration(keysPerSecond: 300), fixedSampleRate: true)
        #expect(fixed.keysPerSecond(sampledNodes: 50) == 300)
        #expect(FleetConfiguration(sampling: nil).keysPerSecond(sampledNodes: 3) == nil)
    }
}
