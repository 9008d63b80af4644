/// Reads what ``ByteWriter`` wrote; every read checks the bounds and throws on anything that
/// does not fit (a damaged or hostile file), never traps.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset >= bytes.count }

    mutating func byte() throws(RecordingError) -> UInt8 {
        guard offset < bytes.count else { throw damaged("ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func varint() throws(RecordingError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw damaged("a number too long") }
            value |= UInt64(next & 0x7F) << shift
            if next & 0x80 == 0 { return value }
            shift += 7
        }
    }

    /// A count, bounded by what is left (each counted item takes at least a byte).
    mutating func count() throws(RecordingError) -> Int {
        let value = try varint()
        guard value <= UInt64(bytes.count - offset) else { throw damaged("a count past its end") }
        return Int(value)
    }

    mutating func signed() throws(RecordingError) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    mutating func data() throws(RecordingError) -> [UInt8] {
        let length = try count()
        defer { offset += length }
        return Array(bytes[offset..<offset + length])
    }

    mutating func string() throws(RecordingError) -> String { String(decoding: try data(), as: UTF8.self) }

    mutating func number() throws(RecordingError) -> Double {
        switch NumberTag(rawValue: try byte()) {
        case .integer: return Double(try signed())
        case .float:
            var bits: UInt32 = 0
            for shift in stride(from: 0, to: 32, by: 8) { bits |= UInt32(try byte()) << shift }
            return Double(Float(bitPattern: bits))
        case .double:
            var bits: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 8) { bits |= UInt64(try byte()) << shift }
            return Double(bitPattern: bits)
        case nil: throw damaged("an unknown number tag")
        }
    }

    private func damaged(_ what: String) -> RecordingError {
        RecordingError("a tick record is damaged: \(what) at byte \(offset)")
    }

    /// A presence byte, then the value `read` reads when it is 1; `nil` when it is 0.
    mutating func optional<Value>(
        _ read: (inout ByteReader) throws(RecordingError) -> Value
    ) throws(RecordingError) -> Value? {
        try byte() == 1 ? try read(&self) : nil
    }
}
