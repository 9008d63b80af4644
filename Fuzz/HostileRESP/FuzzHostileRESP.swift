import FuzzSupport

/// Replies a hostile server would build, made from the input: each byte picks a shape and the
/// next one its size — nesting far past the cap, attribute chains (the 48 KB reply that once
/// overflowed the stack), declared lengths and counts near the limits and past them, long lines,
/// pushes where they do not belong — and the stream goes through ``RESPChecks``. Plain byte
/// mutation rarely builds these: 4 million runs never reached the attribute chain.
enum HostileReply {
    static func build(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        func next() -> Int {
            defer { index += 1 }
            return index < input.count ? Int(input[index]) : 0
        }
        func write(_ text: String) { out += Array(text.utf8) }
        while index < input.count && out.count < 1 << 18 {
            let shape = next() % 12
            let size = next()
            switch shape {
            case 0:  // arrays nested `size` deep around one integer
                for _ in 0..<size { write("*1\r\n") }
                write(":1\r\n")
            case 1:  // a chain of attributes, up to 4,080 long (48 KB)
                for _ in 0..<(size * 16) { write("|1\r\n+a\r\n:1\r\n") }
                write(":2\r\n")
            case 2:  // a bulk string near or past the length limit, cut short
                write("$\(64 * 1024 * 1024 - 128 + size)\r\n")
                write(String(repeating: "x", count: size))
            case 3:  // an aggregate count near or past the element limit
                write("*\((1 << 20) - 128 + size)\r\n")
                for _ in 0..<(size % 8) { write(":1\r\n") }
            case 4:  // a map whose pairs pass the limit only when counted twice
                write("%\((1 << 19) + size - 128)\r\n")
            case 5:  // a long line, with or without its CRLF
                write("+" + String(repeating: "a", count: size * 300))
                if size % 2 == 0 { write("\r\n") }
            case 6:  // maps nested inside maps
                for _ in 0..<size { write("%1\r\n+k\r\n") }
                write("_\r\n")
            case 7:  // a push inside an array
                write("*2\r\n>1\r\n:1\r\n:2\r\n")
            case 8:  // attributes inside nested arrays
                for _ in 0..<(size % 40) { write("*1\r\n|1\r\n+k\r\n:1\r\n") }
                write("#t\r\n")
            case 9:  // doubles and numbers at the edges
                let doubles = [
                    ",inf", ",-inf", ",nan", ",.5", ",1e309", ",-0.0", ",1e", ",INF", ":9223372036854775807",
                    ":-9223372036854775808", ":9223372036854775808", "(-", "(12345678901234567890123",
                ]
                write(doubles[size % doubles.count] + "\r\n")
            case 10:  // verbatim strings with good and bad formats
                let formats = ["txt", "mkd", "12a", "t:x", "", "toolong"]
                let format = formats[size % formats.count]
                let payload = format + ":" + String(repeating: "v", count: size % 16)
                write("=\(payload.utf8.count)\r\n\(payload)\r\n")
            default:  // a sane reply between the hostile ones
                write("*2\r\n$3\r\nfoo\r\n:\(size)\r\n")
            }
        }
        return out
    }

    static func run(_ input: [UInt8]) { RESPChecks.run(build(input)) }
}

#if FUZZING
@_cdecl("FuzzHostileRESP_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, HostileReply.run)
}
#else
@main
enum Replay {
    static func main() { FuzzReplay.run(HostileReply.run) }
}
#endif
