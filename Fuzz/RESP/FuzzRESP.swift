import FuzzSupport

/// Any bytes as a server's reply stream, through ``RESPChecks``.
#if FUZZING
@_cdecl("FuzzRESP_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, RESPChecks.run)
}
#else
@main
enum Replay {
    static func main() { FuzzReplay.run(RESPChecks.run) }
}
#endif
