import Foundation
import RedisClient
import TestSupport
import Testing

@Suite("cachewatch demo")
struct DemoCommandTests {
    @Test("runs traffic on its own server and shows hits and misses")
    func showsTraffic() async throws {
        let result = try await CachewatchBinary.run(
            ["demo", "--headless", "--format", "json", "-c", "4", "-i", "0.3"], timeout: .seconds(60))
        #expect(result.code == 0, "\(result.stderr)")
        let objects = try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.count == 4)
        func number(_ object: [String: Any], _ key: String) -> Double {
            (object[key] as? NSNumber)?.doubleValue ?? 0
        }
        #expect(objects.dropFirst().contains { number($0, "ops_per_sec") > 100 }, "\(result.stdout)")
        #expect(objects.dropFirst().contains { number($0, "misses_per_sec") > 0 }, "\(result.stdout)")
        #expect(objects.last?["maxmemory_bytes"] as? Int == 64 * 1_048_576)
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
