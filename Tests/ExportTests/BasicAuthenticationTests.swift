import Foundation
import TestSupport
import Testing

@testable import MetricsEndpoint

/// The endpoint's basic authentication without a server: bcrypt through libcrypt, the header's
/// parsing, what is refused.
@Suite("basic_auth_users", .sameOnEveryServer)
struct BasicAuthenticationTests {
    /// `htpasswd -nbBC 4 alice 'correct horse'`.
    static let alice = "$2y$04$FOA57ZCvzj.3xUGWScqqauezsRxJWg2KNLCmVCXxyZfPIBDH9rRHi"

    static func header(_ credentials: String) -> String {
        "Basic " + Data(credentials.utf8).base64EncodedString()
    }

    @Test("libcrypt checks htpasswd's hash: the password lets alice in, anything else does not")
    func checks() throws {
        let authentication = try BasicAuthentication(users: ["alice": Self.alice])
        #expect(authentication.check(authorization: Self.header("alice:correct horse")))
        #expect(authentication.isRemembered(Self.header("alice:correct horse")))
        #expect(!authentication.check(authorization: Self.header("alice:correct horsE")))
        #expect(!authentication.check(authorization: Self.header("alice:")))
        #expect(!authentication.check(authorization: Self.header("bob:correct horse")))
        #expect(!authentication.check(authorization: nil))
        #expect(!authentication.check(authorization: "Bearer abc"))
        #expect(!authentication.check(authorization: "Basic !!!not-base64"))
        #expect(!authentication.isRemembered(Self.header("alice:wrong")))
        // The $2b$ spelling of the same hash checks the same.
        let spelled = "$2b$" + Self.alice.dropFirst(4)
        #expect(
            try BasicAuthentication(users: ["alice": spelled]).check(authorization: Self.header("alice:correct horse")))
    }

    @Test("the header: Basic, base64 of user:password, the password may hold ':'")
    func credentials() {
        #expect(BasicAuthentication.credentials(Self.header("u:p:q"))! == ("u", "p:q"))
        #expect(BasicAuthentication.credentials("basic " + Data("u:".utf8).base64EncodedString())! == ("u", ""))
        #expect(BasicAuthentication.credentials(Self.header("no-colon")) == nil)
        #expect(BasicAuthentication.credentials("Basic") == nil)
    }

    @Test("a hash that is not bcrypt, or a user with ':', is refused in one line that shows no password")
    func refusals() {
        for hash in ["plain", "$1$abc$def", "$2y$03$" + String(repeating: "a", count: 53), "$2y$10$short"] {
            #expect(throws: WebConfig.Failure.self) { try BasicAuthentication(users: ["alice": hash]) }
        }
        do {
            _ = try BasicAuthentication(users: ["al:ice": Self.alice])
            Issue.record("a user with ':' was taken")
        } catch {
            #expect(error.description.contains("cannot contain ':'"))
        }
        do {
            _ = try WebConfig(text: "basic_auth_users:\n  alice: hunter2\n", path: "/etc/web.yml")
            Issue.record("a plaintext password was taken")
        } catch {
            #expect(error.description.contains("not a bcrypt hash") && !error.description.contains("hunter2"))
        }
        #expect(throws: WebConfig.Failure.self) { try WebConfig(text: "basic_auth_users: []\n", path: "/w.yml") }
        #expect(throws: WebConfig.Failure.self) { try WebConfig(text: "{}\n", path: "/w.yml") }
    }
}
