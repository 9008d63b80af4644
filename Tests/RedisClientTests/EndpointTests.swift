import RedisClient
import TestSupport
import Testing

@Suite("Endpoint URLs", .sameOnEveryServer)
struct EndpointTests {
    @Test(
        "valid URLs",
        arguments: [
            ("redis://localhost", "localhost:6379", nil, nil, 0, false),
            ("redis://127.0.0.1:6380/2", "127.0.0.1:6380/2", nil, nil, 2, false),
            ("redis://:pa%40ss@cache.example:7000", "cache.example:7000", nil, "pa@ss", 0, false),
            ("redis://alice:s3cret@host:1/0", "alice@host:1", "alice", "s3cret", 0, false),
            ("redis://alice:p@ss:w@rd@host", "alice@host:6379", "alice", "p@ss:w@rd", 0, false),
            ("rediss://host:6380", "host:6380", nil, nil, 0, true),
            ("valkey://[::1]:7001/3", "[::1]:7001/3", nil, nil, 3, false),
            ("redis://", "127.0.0.1:6379", nil, nil, 0, false),
            ("unix:///run/redis.sock", "unix:/run/redis.sock", nil, nil, 0, false),
            ("unix://:pw@/tmp/r.sock?db=4", "unix:/tmp/r.sock/4", nil, "pw", 4, false),
        ] as [(String, String, String?, String?, Int, Bool)])
    func parses(url: String, shown: String, user: String?, password: String?, database: Int, tls: Bool) throws {
        let endpoint = try Endpoint(url: url)
        #expect(endpoint.description == shown)
        #expect(endpoint.username == user)
        #expect(endpoint.password?.revealed == password)
        #expect(endpoint.database == database)
        #expect(endpoint.usesTLS == tls)
        if let password { #expect(!"\(endpoint)".contains(password)) }
    }

    @Test(
        "invalid URLs give one line that masks the password",
        arguments: [
            ("localhost:6379", "expected redis://"),
            ("http://u:hunter2@host", "unknown scheme 'http'"),
            ("redis://u:hunter2@host:99999", "port '99999'"),
            ("redis://u:hunter2@host:abc", "port 'abc'"),
            ("redis://u:hunter2@host/x", "database 'x'"),
            ("redis://u:hunter2@[::1", "unterminated IPv6"),
            ("unix://u:hunter2@relative.sock", "absolute socket path"),
            ("redis://u:%zz@host", "percent-encoding"),
        ])
    func rejects(url: String, fragment: String) {
        let error = #expect(throws: EndpointError.self) { try Endpoint(url: url) }
        let text = error?.description ?? ""
        #expect(text.contains(fragment), "\(text)")
        #expect(!text.contains("hunter2"), "\(text)")
        #expect(!text.contains("\n"))
    }

    @Test("masking keeps everything but the password")
    func masks() {
        #expect(Endpoint.masked("redis://alice:s3cret@host:6379/1") == "redis://alice:***@host:6379/1")
        #expect(Endpoint.masked("redis://:s3cret@host") == "redis://:***@host")
        #expect(Endpoint.masked("redis://host:6379") == "redis://host:6379")
        #expect(Endpoint.masked("redis://alice@host") == "redis://alice@host")
        // Malformed or with URL delimiters in the password: still masked.
        #expect(Endpoint.masked("redis://u:pa?ss#x@host:1") == "redis://u:***@host:1")
        #expect(Endpoint.masked("redis:/u:hunter2@host") == "redis:***@host")
        #expect(Endpoint.masked("u:hunter2@host") == "u:***@host")
        #expect(Endpoint.masked("redis://u:a@b@host/0?db=1") == "redis://u:***@host/0?db=1")
    }

    @Test("a line end typed into a URL stays on the error's one line (found by FuzzURL)")
    func controlCharacters() {
        let error = #expect(throws: EndpointError.self) { try Endpoint(url: "redis://host\n:x\u{7}") }
        #expect(error?.description.contains("\n") == false)
        #expect(error?.description.contains("\\n") == true, "\(String(describing: error))")
    }

    @Test("a password with ?, #, / or @ unencoded is read whole")
    func delimitersInPassword() throws {
        let endpoint = try Endpoint(url: "redis://u:pa?s/s#x@y@cache:6380/2")
        #expect(endpoint.password?.revealed == "pa?s/s#x@y")
        #expect(endpoint.username == "u" && endpoint.database == 2)
        #expect(endpoint.address == .tcp(host: "cache", port: 6380))
        let query = try Endpoint(url: "unix://:pw?1@/run/redis.sock?db=3")
        #expect(query.password?.revealed == "pw?1" && query.database == 3)
    }

    @Test("secrets never print")
    func secretsHide() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        var dumped = ""
        dump(Endpoint(address: .tcp(host: "h", port: 1), password: secret), to: &dumped)
        #expect(!dumped.contains("hunter2"))
    }
}

@Suite("Reconnect backoff", .sameOnEveryServer)
struct ReconnectBackoffTests {
    @Test("doubles from the initial delay and stops at the cap")
    func growsAndCaps() {
        let backoff = ReconnectBackoff(initial: .milliseconds(250), maximum: .seconds(10), multiplier: 2)
        let delays = (0...9).map { backoff.delay(afterFailures: $0) }
        #expect(
            delays == [
                .zero, .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8),
                .seconds(10), .seconds(10), .seconds(10),
            ])
        #expect(backoff.delay(afterFailures: 10_000) == .seconds(10))
    }
}
