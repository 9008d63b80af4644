import NIOCore

/// The `TYPE` reply as a type name: the built-in types without allocating a string per key,
/// a module type's name as sent; `nil` for `none` (the key is gone).
enum KeyTypeName {
    private static let known: [(bytes: [UInt8], name: String)] = [
        "string", "hash", "list", "set", "zset", "stream",
    ].map { (Array($0.utf8), $0) }

    static func of(_ reply: ByteBuffer) -> String? {
        let view = reply.readableBytesView
        if view.elementsEqual("none".utf8) { return nil }
        for entry in known where view.elementsEqual(entry.bytes) { return entry.name }
        return String(buffer: reply)
    }
}
