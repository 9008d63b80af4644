import Foundation
import RedisClient
import TestSupport
import Testing

@Suite("cachewatch demo", .sameOnEveryServer)
struct DemoCommandTests {
    @Test("runs traffic on its own server and shows hits and misses")
    func showsTraffic() async throws {
        let process = try CachewatchBinary.start(["demo", "--headless", "--format", "json", "-i", "0.3"])
        // The metric lines: alert events ("event":"alert") come between them as rules fire.
        func objects() -> [[String: Any]] {
            process.standardOutput.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }.filter { $0["event"] == nil }
        }
        func number(_ object: [String: Any], _ key: String) -> Double {
            (object[key] as? NSNumber)?.doubleValue ?? 0
        }
        // The workload first writes its big keys; then reads and refills show up.
        let busy = try await eventually(timeout: .seconds(30)) {
            objects().contains { number($0, "ops_per_sec") > 100 && number($0, "misses_per_sec") > 0 }
        }
        #expect(busy, "\(process.standardOutput.suffix(2000))")
        #expect(objects().last.map { number($0, "maxmemory_bytes") } == Double(67_108_864))
        #expect(objects().allSatisfy { $0["up"] as? Int == 1 })
        await process.terminate()
    }

    @Test("SIGTERM stops the demo and the server it started")
    func stopsEverything() async throws {
        let process = try CachewatchBinary.start(["demo", "--headless", "-i", "0.2"])
        #expect(
            try await eventually { process.standardOutput.split(separator: "\n").count >= 3 },
            "\(process.standardError)")
        let banner = process.standardError
        let port = try #require(
            banner.split(separator: " ").first { $0.hasPrefix("127.0.0.1:") }.flatMap { Int($0.dropFirst(10)) })
        process.signal(SIGTERM)
        #expect(try await process.waitForExit(timeout: .seconds(10)) == 143)
        let endpoint = Endpoint(address: .tcp(host: "127.0.0.1", port: port))
        await #expect(throws: RedisConnectionError.self, "the demo's redis-server must be gone") {
            try await RedisConnection.connect(to: endpoint)
        }
    }
}
