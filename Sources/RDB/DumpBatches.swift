import Foundation

/// Keys of a dump handed from the thread that reads the file (input, CRC-64, parsing) to the one
/// that models them, a batch at a time: on two cores the two halves of the work overlap. A
/// fixed set of batches goes round — filled, modelled, reused — so memory stays bounded and
/// nothing is allocated per key (names are copied into the batch's one byte buffer).
final class DumpBatches: @unchecked Sendable {
    /// One key, its name in its batch's ``Batch/names``.
    struct Key {
        var nameStart: Int
        var nameLength: Int
        var database: Int
        var encoding: RDBEncoding
        var moduleID: UInt64?
        var length: Int64
        var expiresAtMilliseconds: Int64?
        var idleSeconds: Int64?
        var frequency: Int64?
        var memoryBytes: Int64

        var typeName: String { encoding.typeName(moduleID: moduleID) }
    }

    /// Keys read in order, with where the reader had got to.
    final class Batch {
        /// The keys, ``count`` of them (raw storage: filling it costs no retain or exclusivity
        /// check per key).
        let keys: UnsafeMutablePointer<Key>
        private(set) var count = 0
        private(set) var names: ByteBuffer
        /// The file's bytes read when the batch was handed over.
        var bytesRead: Int64 = 0
        /// The dump's time (its `ctime`), once read.
        var createdAt: Int64?
        /// The last batch: the read's outcome.
        var outcome: Result<RDBReader.Summary, RDBError>?
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            keys = UnsafeMutablePointer<Key>.allocate(capacity: capacity)
            names = ByteBuffer(capacity: capacity * 48)
        }

        deinit {
            keys.deinitialize(count: count)
            keys.deallocate()
            names.deallocate()
        }

        var isFull: Bool { count == capacity }

        func add(_ key: RDBKey) {
            (keys + count).initialize(
                to: Key(
                    nameStart: names.count, nameLength: key.name.count, database: key.database, encoding: key.encoding,
                    moduleID: key.moduleID, length: key.length, expiresAtMilliseconds: key.expiresAtMilliseconds,
                    idleSeconds: key.idleSeconds, frequency: key.frequency, memoryBytes: key.memoryBytes))
            count += 1
            names.append(key.name)
        }

        /// The name of `key`.
        func name(_ key: Key) -> UnsafeRawBufferPointer { names.slice(key.nameStart, key.nameLength) }

        func reset() {
            keys.deinitialize(count: count)
            count = 0
            names.removeAll()
            outcome = nil
        }
    }

    /// Keys a batch holds before it is handed over.
    let capacity: Int
    private let condition = NSCondition()
    private var free: [Batch]
    private var ready: [Batch] = []

    /// `count` batches of `capacity` keys.
    init(count: Int = 4, capacity: Int = 8_192) {
        self.capacity = capacity
        free = (0..<count).map { _ in Batch(capacity: capacity) }
    }

    /// A batch to fill, waiting for one to come back if all are out.
    func empty() -> Batch {
        condition.lock()
        defer { condition.unlock() }
        while free.isEmpty { condition.wait() }
        let batch = free.removeLast()
        batch.reset()
        return batch
    }

    /// Hands a filled batch over.
    func send(_ batch: Batch) {
        condition.lock()
        ready.append(batch)
        condition.signal()
        condition.unlock()
    }

    /// The next filled batch, in order, waiting for it.
    func next() -> Batch {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty { condition.wait() }
        return ready.removeFirst()
    }

    /// Gives a modelled batch back for filling.
    func recycle(_ batch: Batch) {
        condition.lock()
        free.append(batch)
        condition.signal()
        condition.unlock()
    }

    /// Reads `reader` whole on a thread of its own, handing its keys over in batches; the last
    /// batch carries the outcome.
    func read(_ reader: RDBReader) {
        let box = ReaderBox(reader)
        let thread = Thread { [self] in
            var batch = empty()
            // The batch being filled, not retained per key (`batch` keeps it alive).
            var filling = Unmanaged.passUnretained(batch)
            let outcome: Result<RDBReader.Summary, RDBError>
            do {
                let summary = try box.reader.read { key in
                    let full = filling._withUnsafeGuaranteedRef { batch in
                        batch.add(key)
                        return batch.isFull
                    }
                    if full {
                        batch.bytesRead = box.reader.bytesRead
                        batch.createdAt = box.reader.createdAt
                        send(batch)
                        batch = empty()
                        filling = Unmanaged.passUnretained(batch)
                    }
                }
                outcome = .success(summary)
            } catch let error as RDBError {
                outcome = .failure(error)
            } catch {
                outcome = .failure(RDBError(offset: box.reader.bytesRead, "\(error)"))
            }
            batch.bytesRead = box.reader.bytesRead
            batch.createdAt = box.reader.createdAt
            batch.outcome = outcome
            send(batch)
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private final class ReaderBox: @unchecked Sendable {
        let reader: RDBReader
        init(_ reader: RDBReader) { self.reader = reader }
    }
}
