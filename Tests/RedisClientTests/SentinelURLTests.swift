import RedisClient
import TestSupport
import Testing

/// `redis+sentinel://` URLs: the sentinels with their credentials, the primary's name, the
/// database; what is refused, with the password masked.
@Suite("Sentinel URLs", .sameOnEveryServer)
struct SentinelURLTests {
    @Test("sentinels, their credentials and TLS, the master name and the database")
    func parses() throws {
        let url = try SentinelURL(
            url: "redis+sentinel://sentry:p%40ss@10.0.0.1:26379,10.0.0.2,[::1]:26380/my%20master/3")
        #expect(url.masterName == "my master" && url.database == 3 && !url.usesTLS)
        #expect(
            url.sentinels.map(\.description) == [
                "sentry@10.0.0.1:26379", "sentry@10.0.0.2:26379", "sentry@[::1]:26380",
            ])
        #expect(url.sentinels.allSatisfy { $0.password?.revealed == "p@ss" })
        let tls = try SentinelURL(url: "rediss+sentinel://s:26379/cache")
        #expect(tls.usesTLS && tls.sentinels[0].usesTLS && tls.database == 0)
        #expect(SentinelURL.isSentinelURL("REDIS+SENTINEL://h/m") && !SentinelURL.isSentinelURL("redis://h"))
    }

    @Test("no name, an empty sentinel, extra path, a bad port or scheme: one line with the password masked")
    func refuses() {
        for (text, reason) in [
            ("redis+sentinel://h:26379", "the primary's name is missing"),
            ("redis+sentinel://h:26379/", "the primary's name is missing"),
            ("redis+sentinel://h1,,h2/m", "expected sentinels"),
            ("redis+sentinel://h/m/0/x", "expected …/<master>[/db]"),
            ("redis+sentinel://h/m/-1", "not a non-negative number"),
            ("redis+sentinel://:hunter2@h:99999/m", "is not host:port"),
            ("http+sentinel://h/m", "unknown scheme"),
        ] {
            do {
                _ = try SentinelURL(url: text)
                Issue.record("\(text) was taken")
            } catch {
                #expect(error.description.contains(reason), "\(text): \(error.description)")
                #expect(!error.description.contains("hunter2"))
            }
        }
    }
}
