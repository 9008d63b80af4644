import CCrypt
import Foundation
import Synchronization

/// The `basic_auth_users` of a web configuration: user names and the bcrypt hashes of their
/// passwords (`htpasswd -nBC 10 USER`), checked with libcrypt (`crypt_rn`, which does bcrypt's
/// `$2y$`, `$2b$` and `$2a$`). A bcrypt check costs tens of milliseconds by design; a
/// credential that passed is remembered (as a keyed hash, never the password) so that scrapes
/// every few seconds do not pay it again, and wrong ones are checked off the event loop.
public final class BasicAuthentication: Sendable {
    /// User name → bcrypt hash.
    public let users: [String: String]
    /// Credentials that passed, as (user, keyed hash of the password).
    private let accepted = Mutex<Set<Accepted>>([])

    private struct Accepted: Hashable {
        let user: String
        let password: Int
    }

    /// Checks `users`' hashes are bcrypt hashes.
    ///
    /// - Throws: a one-line reason naming the user whose hash is not one.
    public init(users: [String: String]) throws(WebConfig.Failure) {
        for (user, hash) in users.sorted(by: { $0.key < $1.key }) {
            guard Self.isBcrypt(hash) else {
                throw WebConfig.Failure(
                    description:
                        "basic_auth_users: the password of '\(user)' is not a bcrypt hash ($2y$…, as htpasswd -nB writes)"
                )
            }
            guard !user.contains(":") else {
                throw WebConfig.Failure(description: "basic_auth_users: a user name cannot contain ':' ('\(user)')")
            }
        }
        self.users = users
    }

    /// Whether `hash` looks like a bcrypt hash: `$2a$`, `$2b$` or `$2y$`, a two-digit cost from 4
    /// to 31, and 53 characters of salt and hash.
    static func isBcrypt(_ hash: String) -> Bool {
        let bytes = Array(hash.utf8)
        guard bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
            [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2]), bytes[3] == UInt8(ascii: "$"),
            bytes[6] == UInt8(ascii: "$"), let cost = Int(String(decoding: bytes[4...5], as: UTF8.self)),
            (4...31).contains(cost)
        else { return false }
        return true
    }

    /// The user and password of an `Authorization: Basic …` header value, if it is one.
    static func credentials(_ header: String?) -> (user: String, password: String)? {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic " else { return nil }
        guard let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// Whether the `Authorization` header value lets its user in, and if the answer came from
    /// what passed before (no bcrypt check).
    func check(authorization header: String?) -> Bool {
        guard let (user, password) = Self.credentials(header), let hash = users[user] else {
            // An unknown user costs as much as a known one: no timing tells which users exist.
            _ = Self.bcrypt(password: "", setting: Self.decoy)
            return false
        }
        let remembered = Accepted(user: user, password: password.hashValue)
        if accepted.withLock({ $0.contains(remembered) }) { return true }
        guard let computed = Self.bcrypt(password: password, setting: hash), Self.equal(computed, hash) else {
            return false
        }
        accepted.withLock { set in
            if set.count > 1_000 { set.removeAll() }
            set.insert(remembered)
        }
        return true
    }

    /// Whether a check of this header needs no bcrypt work (a known, already accepted credential).
    func isRemembered(_ header: String?) -> Bool {
        guard let (user, password) = Self.credentials(header), users[user] != nil else { return false }
        return accepted.withLock { $0.contains(Accepted(user: user, password: password.hashValue)) }
    }

    /// A bcrypt setting of cost 10 for unknown users.
    private static let decoy = "$2y$10$" + String(repeating: "A", count: 53)

    /// `crypt_rn` of `password` with `setting` (a whole hash: its salt and cost are used).
    static func bcrypt(password: String, setting: String) -> String? {
        var data = [UInt8](repeating: 0, count: MemoryLayout<crypt_data>.size)
        return data.withUnsafeMutableBytes { buffer -> String? in
            guard let result = crypt_rn(password, setting, buffer.baseAddress, Int32(buffer.count)) else {
                return nil
            }
            let text = String(cString: result)
            return text.hasPrefix("*") ? nil : text
        }
    }

    /// Compares in time that does not depend on where the strings differ.
    private static func equal(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
