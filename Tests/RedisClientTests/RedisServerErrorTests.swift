import RedisClient
import Testing

/// Which error replies mean the command never ran: the server counts those in
/// `total_error_replies` but not in `total_commands_processed` (what cachewatch's own-traffic
/// accounting needs to know). The replies are the servers' own texts.
@Suite("Error replies: refused or ran and failed", .sameOnEveryServer)
struct RedisServerErrorTests {
    @Test("ACL denials and unknown commands never ran; Redis 6.2's unknown subcommand did, as did a failure")
    func refusals() {
        let refused = [
            "NOPERM User sampler has no permissions to run the 'object|freq' command",
            "ERR unknown command `FOO`, with args beginning with: ",
            "ERR unknown subcommand 'NO-TOUCH'. Try CLIENT HELP.",  // Redis 7+, Valkey: rejected
        ]
        let ran = [
            "ERR Unknown subcommand or wrong number of arguments for 'NO-TOUCH'. Try CLIENT HELP.",  // Redis 6.2
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked.",
            "WRONGTYPE Operation against a key holding the wrong kind of value",
        ]
        for text in refused { #expect(RedisServerError(message: text).isRefusal, "\(text)") }
        for text in ran { #expect(!RedisServerError(message: text).isRefusal, "\(text)") }
    }
}
