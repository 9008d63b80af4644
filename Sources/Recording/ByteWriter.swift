/// Appends the pieces of a tick record: unsigned varints (LEB128), zigzag integers, strings
/// with their length, and numbers in the smallest exact form.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func count(_ value: Int) { varint(UInt64(max(0, value))) }

    mutating func signed(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    mutating func data(_ value: [UInt8]) {
        count(value.count)
        bytes.append(contentsOf: value)
    }

    mutating func string(_ value: String) { data(Array(value.utf8)) }

    /// A number, exactly: an integer as a zigzag varint, else a float when it round-trips, else
    /// the double's 8 bytes.
    mutating func number(_ value: Double) {
        if value.isFinite, value == value.rounded(), abs(value) < 9.0e15, value != 0 || value.sign == .plus {
            byte(NumberTag.integer.rawValue)
            signed(Int64(value))
        } else if value.isFinite, Double(Float(value)) == value {
            byte(NumberTag.float.rawValue)
            let bits = Float(value).bitPattern
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> shift)) }
        } else {
            byte(NumberTag.double.rawValue)
            let bits = value.bitPattern
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> shift)) }
        }
    }

    /// A presence byte (0 or 1), then `value` written by `write` when present.
    mutating func optional<Value>(_ value: Value?, _ write: (inout ByteWriter, Value) -> Void) {
        guard let value else { return byte(0) }
        byte(1)
        write(&self, value)
    }
}

/// How a number is stored.
enum NumberTag: UInt8 {
    case integer = 0
    case float = 1
    case double = 2
}
