import FuzzSupport
import RedisClient

/// Any text as a URL: parsed or refused in one line, and nothing shown — the endpoint, the
/// masked URL, a refusal — depends on the password (what ``Endpoint/passwordRange(in:)`` finds,
/// which covers what the parser takes).
enum URLHarness {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        // The same URL with another password of the same length: whatever is shown must not
        // change with it (a password's characters may well turn up in the user name or host).
        let range = Endpoint.passwordRange(in: text)
        let probe = range.map { text.replacingCharacters(in: $0, with: String(repeating: "Z", count: text[$0].count)) }
        do {
            let endpoint = try Endpoint(url: text)
            if let probe, let other = try? Endpoint(url: probe) {
                FuzzReplay.check("\(endpoint)" == "\(other)", "the endpoint prints its password")
            }
            if range != nil {
                FuzzReplay.check(Endpoint.masked(text) == probe.map(Endpoint.masked), "masking shows the password")
            }
        } catch {
            let message = error.description
            FuzzReplay.check(!message.contains("\n"), "a refusal of more than one line")
            if let probe, let range {
                // Either the same words, or the password alone was refused (its percent-encoding):
                // then another password refused the same way gives the same words.
                let badlyEncoded = text.replacingCharacters(
                    in: range, with: "%" + String(repeating: "Z", count: max(0, text[range].count - 1)))
                FuzzReplay.check(
                    message == refusal(of: probe) || message == refusal(of: badlyEncoded),
                    "a refusal shows the password")
            }
        }
    }

    private static func refusal(of url: String) -> String {
        do {
            _ = try Endpoint(url: url)
            return ""
        } catch {
            return error.description
        }
    }
}

#if FUZZING
@_cdecl("FuzzURL_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, URLHarness.run)
}
#else
@main
enum Replay {
    static func main() { FuzzReplay.run(URLHarness.run) }
}
#endif
