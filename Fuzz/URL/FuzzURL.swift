import FuzzSupport
import RedisClient

/// Any text as a URL: parsed or refused in one line, and a refusal never shows the password —
/// what masking finds (``Endpoint/passwordRange(in:)``), which covers what the parser takes.
enum URLHarness {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let masked = Endpoint.masked(text)
        do {
            let endpoint = try Endpoint(url: text)
            if let password = endpoint.password?.revealed, password.count >= 4 {
                FuzzReplay.check(!"\(endpoint)".contains(password), "the endpoint prints its password")
                FuzzReplay.check(!masked.contains(password) || isElsewhere(password, in: text), "masking missed it")
            }
        } catch {
            let message = error.description
            FuzzReplay.check(!message.contains("\n"), "a refusal of more than one line")
            if let range = Endpoint.passwordRange(in: text) {
                let password = String(text[range])
                if password.count >= 4 && !isElsewhere(password, in: text) {
                    FuzzReplay.check(!message.contains(password), "a refusal shows the password")
                }
            }
        }
    }

    /// Whether `password` also appears outside its place (then seeing it proves nothing).
    private static func isElsewhere(_ password: String, in text: String) -> Bool {
        text.components(separatedBy: password).count > 2
    }
}

#if FUZZING
@_cdecl("FuzzURL_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv) { data, size in
        URLHarness.run(FuzzDriver.bytes(data, size))
        return 0
    }
}
#else
@main
enum Replay {
    static func main() { FuzzReplay.run(URLHarness.run) }
}
#endif
