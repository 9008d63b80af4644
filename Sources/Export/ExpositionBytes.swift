/// The bytes of an exposition being written, as a text stream: a `Double` writes itself into it
/// from its formatter's stack buffer (`_writeASCII`), so a value such as `0.9523809523809523` costs
/// no `String` allocation — 6,000 of them per scrape of 50 nodes.
struct ExpositionBytes: TextOutputStream {
    var bytes: [UInt8] = []

    mutating func write(_ string: String) {
        bytes += string.utf8
    }

    /// Called by the standard library's `TextOutputStreamable` numbers with ASCII they formatted
    /// on the stack; without it the default wraps the buffer in a `String` first.
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }
}
