#if FUZZING
/// libFuzzer's driver, started from the harness's own entry point: SwiftPM links every
/// executable with `main` pointing at `<Module>_main`, so a harness defines that and hands
/// libFuzzer its arguments (`LLVMFuzzerRunDriver`, libFuzzer's entry for programs with a main
/// of their own).
public enum FuzzDriver {
    /// One input: its bytes (`nil` when empty) and length; returns 0.
    public typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer on `callback` with the process's arguments; returns its exit code.
    public static func run(
        _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ callback: Callback
    ) -> CInt {
        var count = argc
        var vector = argv
        return llvmFuzzerRunDriver(&count, &vector, callback)
    }

    /// The bytes of one input.
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
private func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzDriver.Callback
) -> CInt
#endif
