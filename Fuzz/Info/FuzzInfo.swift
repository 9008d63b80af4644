import Foundation
import FuzzSupport
import Metrics
import Telemetry

/// Any text as an `INFO` reply (and a `CLUSTER INFO` one): parsed, then taken through a store
/// twice — rates, resets and every derived figure — without a trap, and every figure finite
/// or absent.
enum InfoHarness {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let info = InfoSnapshot(parsing: text)
        _ = ClusterInfo(parsing: text)
        _ = info.keySizes
        var store = MetricStore()
        for second in [0.0, 1.0] {
            let reading = Reading(info: info, slowlog: nil, pingRTT: .milliseconds(1))
            store.ingest(
                Sample(
                    node: "fuzz", time: Date(timeIntervalSince1970: 1_800_000_000 + second), outcome: .reading(reading))
            )
        }
        for (key, value) in store["fuzz"]?.latestValues ?? [:] {
            FuzzReplay.check(value.isFinite, "\(key) is \(value)")
        }
    }
}

#if FUZZING
@_cdecl("FuzzInfo_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, InfoHarness.run)
}
#else
@main
enum Replay {
    static func main() { FuzzReplay.run(InfoHarness.run) }
}
#endif
