import FuzzSupport

/// Any bytes as a server's reply stream, through ``RESPChecks``.
#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    RESPChecks.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
@main
enum Replay {
    static func main() { FuzzReplay.run(RESPChecks.run) }
}
#endif
