import FuzzSupport
import RDB

/// Any bytes as an RDB file, read with and without its checksum verified: one error or a clean
/// read, never a trap, a hang or an allocation out of proportion with the input; a clean read's
/// keys have sane figures.
enum RDBHarness {
    static func run(_ bytes: [UInt8]) {
        for verify in [true, false] {
            do {
                var keys = 0
                let summary = try RDBReader(bytes: bytes, verifyChecksum: verify).read { key in
                    keys += 1
                    FuzzReplay.check(key.length >= 0, "a negative length: \(key.length)")
                    FuzzReplay.check(key.memoryBytes > 0, "memory \(key.memoryBytes)")
                    FuzzReplay.check(key.serializedBytes <= Int64(bytes.count), "more bytes than the file")
                }
                FuzzReplay.check(summary.keysPerDatabase.values.reduce(0, +) == keys, "keys miscounted")
                FuzzReplay.check(summary.bytes <= Int64(bytes.count), "read past the end")
            } catch is RDBError {
            } catch {
                FuzzReplay.check(false, "not an RDBError: \(error)")
            }
        }
    }
}

#if FUZZING
@_cdecl("FuzzRDB_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, RDBHarness.run)
}
#else
@main
enum Replay {
    static func main() { FuzzReplay.run(RDBHarness.run) }
}
#endif
