import Alerts
import Foundation
import RESP
import TestSupport
import Testing

/// Bad input: one clear line on stderr, nothing on stdout, a non-zero exit code.
@Suite("Bad input", .sameOnEveryServer)
struct BadInputTests {
    private func expectOneLine(_ result: (code: Int32, stdout: String, stderr: String), code: Int32, _ text: String) {
        #expect(result.code == code, "exit code; stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(result.stderr)")
        #expect(lines.first.map(String.init) == text)
    }

    @Test("an unknown flag")
    func unknownFlag() async throws {
        expectOneLine(
            try await CachewatchBinary.run(["watch", "--bogus"]), code: 64,
            "cachewatch: Unknown option '--bogus' (see 'cachewatch watch --help')")
    }

    @Test("without a subcommand the hint is the tool's help; bare `rules` lists the built-in rules")
    func hints() async throws {
        expectOneLine(
            try await CachewatchBinary.run(["--bogus"]), code: 64,
            "cachewatch: Unknown option '--bogus'. Did you mean '--out'? (see 'cachewatch --help')")
        let rules = try await CachewatchBinary.run(["rules"])
        #expect(rules.code == 0 && rules.stderr.isEmpty, "\(rules.stderr)")
        #expect(rules.stdout.hasPrefix("\(DefaultRules.rules.count) built-in rules"))
        #expect(rules.stdout.contains("Down") && rules.stdout.contains("up below 1 for 30s"), "\(rules.stdout)")
        expectOneLine(
            try await CachewatchBinary.run(["rules", "--metrics", "--print-defaults"]), code: 64,
            "cachewatch: choose one of --print-defaults, --check FILE, --metrics and --export FORMAT (see 'cachewatch rules --help')"
        )
    }

    @Test("a bad URL, with its password masked")
    func badURL() async throws {
        expectOneLine(
            try await CachewatchBinary.run(["watch", "redis://bob:hunter2@localhost:70000"]), code: 64,
            "cachewatch: invalid URL 'redis://bob:***@localhost:70000': port '70000' is not a number from 1 to 65535 (see 'cachewatch watch --help')"
        )
    }

    @Test(
        "a password is masked in every parse error: a ? or # in it, a URL without ://, -a written as one word",
        arguments: [
            ["watch", "redis://u:pa?hunter2#x@127.0.0.1:70000"], ["watch", "redis:/u:hunter2@127.0.0.1:1"],
            ["watch", "-ahunter2", "-p", "1", "--bogus"], ["watch", "--pass=hunter2", "--bogus"],
            ["watch", "-a", "hunter2", "--interval", "hunter2"], ["check", "-ahunter2x"],
        ])
    func passwordInParseError(arguments: [String]) async throws {
        let result = try await CachewatchBinary.run(arguments)
        #expect(result.code == 64, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("cachewatch: "))
        #expect(!result.stderr.contains("hunter2") && !result.stdout.contains("hunter2"), "\(result.stderr)")
    }

    @Test("a bad value")
    func badInterval() async throws {
        expectOneLine(
            try await CachewatchBinary.run(["watch", "--interval", "0"]), code: 64,
            "cachewatch: --interval must be at least 0.05 seconds (see 'cachewatch watch --help')")
        expectOneLine(
            try await CachewatchBinary.run(["watch", "--format", "xml"]), code: 64,
            "cachewatch: The value 'xml' is invalid for '--format <format>'. Please provide one of 'table', 'json' or 'logfmt'. (see 'cachewatch watch --help')"
        )
    }

    @Test("an unreachable host")
    func unreachable() async throws {
        let port = try FreePort.next()
        expectOneLine(
            try await CachewatchBinary.run(["watch", "-p", String(port)]), code: 1,
            "cachewatch: cannot connect to 127.0.0.1:\(port): connection refused")
    }

    @Test("a wrong password, from REDISCLI_AUTH or -a, never printed")
    func wrongPassword() async throws {
        try await withRedisServer(["--requirepass", "right-one"]) { server in
            let url = "redis://127.0.0.1:\(server.port)"
            expectOneLine(
                try await CachewatchBinary.run(["watch", url], environment: ["REDISCLI_AUTH": "wrong-one"]), code: 2,
                "cachewatch: authentication to 127.0.0.1:\(server.port) failed: WRONGPASS invalid username-password pair or user is disabled."
            )
            expectOneLine(
                try await CachewatchBinary.run(["watch", url, "-a", "wrong-two", "--no-auth-warning"]), code: 2,
                "cachewatch: authentication to 127.0.0.1:\(server.port) failed: WRONGPASS invalid username-password pair or user is disabled."
            )
            expectOneLine(
                try await CachewatchBinary.run(["watch", url]), code: 2,
                "cachewatch: 127.0.0.1:\(server.port) requires a password: pass -a, --user, a redis://user:pass@host URL or REDISCLI_AUTH"
            )
        }
    }

    @Test("a server that does not speak RESP")
    func notRedis() async throws {
        let fake = try await FakeRESPServer(behavior: .reply(Array("SSH-2.0-OpenSSH_9.2\r\n".utf8)))
        expectOneLine(
            try await CachewatchBinary.run(["watch", "-p", String(fake.port)]), code: 1,
            "cachewatch: protocol error from 127.0.0.1:\(fake.port): invalid RESP type byte 0x53 ('S')")
        await fake.stop()
    }
}

@Suite("The dashboard outside a terminal", .sameOnEveryServer)
struct DashboardNeedsTerminalTests {
    @Test("top and demo refuse a pipe with one line")
    func refusesPipes() async throws {
        for arguments in [["top", "-p", "1"], ["demo"], []] {
            let result = try await CachewatchBinary.run(arguments)
            #expect(result.code == 1)
            #expect(
                result.stderr
                    == "cachewatch: the dashboard needs a terminal; for output to a pipe or a file use 'cachewatch watch'\n"
            )
        }
    }
}

@Suite("cachewatch rules", .sameOnEveryServer)
struct RulesCommandTests {
    @Test("a malformed rules file is one line with file, line and column; the defaults check clean")
    func check() async throws {
        let path = try TemporaryFile.containing(
            "rules:\n  - name: A\n    metric: hit_ratio\n    below: 0.5\n    for: 2 minutes\n")
        let bad = try await CachewatchBinary.run(["rules", "--check", path])
        #expect(bad.code == 1)
        #expect(
            bad.stderr
                == "cachewatch: \(path):5:10: '2 minutes' is not a duration (use s, m, h or d, as in 90s or 5m)\n")
        let defaults = try await CachewatchBinary.run(["rules", "--print-defaults"])
        try defaults.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        let good = try await CachewatchBinary.run(["rules", "--check", path])
        #expect(good.code == 0 && good.stdout.hasSuffix("rules, all valid\n"), "\(good.stderr)")
    }

    /// A YAML "billion laughs": nine levels of nine aliases, 387 million strings if expanded.
    static let yamlBomb =
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + (1..<9).map { level in
            let name = String(UnicodeScalar(UInt8(97 + level)))
            let previous = String(UnicodeScalar(UInt8(96 + level)))
            return "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }.joined() + "rules: *i\n"

    @Test(
        "a rules file that is not one — endless, a directory, missing, binary, a YAML bomb — is one line, at once",
        arguments: ["rules --check", "watch -p 1 --rules"])
    func notARulesFile(command: String) async throws {
        let directory = FileManager.default.temporaryDirectory.path
        let missing = directory + "/cachewatch-no-such-rules-\(UUID().uuidString).yaml"
        let binary = try TemporaryFile.containing("")
        try Data([0xFF, 0xFE, 0x00, 0x80]).write(to: URL(fileURLWithPath: binary))
        let bomb = try TemporaryFile.containing(Self.yamlBomb)
        let cases: [(path: String, says: String)] = [
            ("/dev/zero", "/dev/zero is larger than 1024 KiB"), (directory, "\(directory) is a directory"),
            (missing, "\(missing) does not exist"), (binary, "\(binary) is not UTF-8 text"), (bomb, bomb),
        ]
        for (path, says) in cases {
            let started = ContinuousClock.now
            let result = try await CachewatchBinary.run(
                command.split(separator: " ").map(String.init) + [path], timeout: .seconds(20))
            #expect(ContinuousClock.now - started < .seconds(10), "\(path) took too long")
            #expect(result.code == 1, "\(path): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(path): \(result.stderr)")
            #expect(result.stderr.hasPrefix("cachewatch: ") && result.stderr.contains(says), "\(result.stderr)")
        }
    }

    @Test("--check - reads the rules from standard input")
    func checkStandardInput() async throws {
        let binary = CachewatchBinary.path
        let piped = try ChildProcess(
            executable: "/bin/sh",
            arguments: ["-c", "'\(binary)' rules --print-defaults | '\(binary)' rules --check -"])
        #expect(try await piped.waitForExit() == 0, "\(piped.standardError)")
        let defaults = try await CachewatchBinary.run(["rules", "--print-defaults"])
        let count = defaults.stdout.components(separatedBy: "  - name: ").count - 1
        let inhibitions = defaults.stdout.components(separatedBy: "  - cause: ").count - 1
        #expect(count > 20 && inhibitions >= 1)
        #expect(piped.standardOutput == "standard input: \(count) rules, \(inhibitions) inhibit rules, all valid\n")
    }
}
