#if FUZZING
/// libFuzzer's driver, started from the harness's own entry point: SwiftPM links every
/// executable with `main` pointing at `<Module>_main`, so a harness defines that and hands
/// libFuzzer its arguments (`LLVMFuzzerRunDriver`, libFuzzer's entry for programs with a main
/// of their own).
public enum FuzzDriver {
    /// One input: its bytes (`nil` when empty) and length; returns 0.
    typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer with the process's arguments, each input given to `harness`; returns its
    /// exit code.
    public static func run(
        _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
        _ harness: @escaping ([UInt8]) -> Void
    ) -> CInt {
        current = harness
        var count = argc
        var vector = argv
        return llvmFuzzerRunDriver(&count, &vector) { data, size in
            guard let data, size > 0 else {
                current([])
                return 0
            }
            current(Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        }
    }
}

/// The harness libFuzzer's C callback hands each input to (set once, before the driver runs).
nonisolated(unsafe) private var current: ([UInt8]) -> Void = { _ in }

@_silgen_name("LLVMFuzzerRunDriver")
private func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzDriver.Callback
) -> CInt
#endif
