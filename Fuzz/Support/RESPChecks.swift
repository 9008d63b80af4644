import NIOCore
import RESP

/// Any bytes as a server's reply stream: the stream decoder fed the whole input, in chunks
/// and a byte at a time gives the same values and fails alike; the one-shot decoder agrees
/// with it; every value decoded encodes to a frame that decodes to the same encoding.
public enum RESPChecks {
    /// What decoding a stream came to: the values, and whether it stopped on an error.
    struct Outcome: Equatable {
        var frames: [[UInt8]] = []
        var failed = false
    }

    /// Runs every check on `bytes`.
    public static func run(_ bytes: [UInt8]) {
        let whole = stream(bytes, chunk: max(1, bytes.count))
        let chunked = stream(bytes, chunk: 1 + Int(bytes.first ?? 0) % 17)
        let single = stream(bytes, chunk: 1)
        FuzzReplay.check(whole == chunked, "whole and chunked decoding differ")
        FuzzReplay.check(whole == single, "whole and byte-at-a-time decoding differ")
        // The one-shot decoder, on its own, takes the same frames.
        var buffer = ByteBuffer(bytes: bytes)
        var oneShot = Outcome()
        do {
            while let value = try RESPDecoder().decode(from: &buffer) { oneShot.frames.append(encoding(value)) }
        } catch {
            oneShot.failed = true
        }
        FuzzReplay.check(oneShot == whole, "the one-shot and the stream decoder disagree")
        // Round trip: encode → decode → encode is a fixed point.
        for frame in whole.frames {
            var again = ByteBuffer(bytes: frame)
            let value = try? RESPDecoder().decode(from: &again)
            FuzzReplay.check(value.map(encoding) == frame, "a decoded value does not round-trip")
        }
    }

    private static func encoding(_ value: RESPValue) -> [UInt8] { Array(value.encoded.readableBytesView) }

    private static func stream(_ bytes: [UInt8], chunk: Int) -> Outcome {
        var decoder = RESPStreamDecoder()
        var buffer = ByteBuffer()
        var outcome = Outcome()
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            buffer.writeBytes(bytes[offset..<end])
            offset = end
            do {
                while let value = try decoder.next(from: &buffer) { outcome.frames.append(encoding(value)) }
            } catch {
                outcome.failed = true
                return outcome
            }
        }
        return outcome
    }
}
