import Foundation
import Metrics
import Telemetry

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The keyspace report of RDB files: every key read (``RDBReader``) into the same model a live
/// `scan --full` fills, its TTLs relative to the dump's own time (`ctime`), with the idle time
/// or LFU counter the dump carries. Several files (a cluster's primaries) make one report.
public enum RDBKeyspace {
    /// What the files held.
    public struct Outcome {
        /// The model, every key in it.
        public var model: KeyspaceModel
        /// Each file's summary, in the order read.
        public var files: [(path: String, summary: RDBReader.Summary)]
        /// Keys whose TTL had run out when the dump was made: left out, as a primary loading
        /// the file leaves them.
        public var expiredAtDump: Int
        /// Keys read in all.
        public var keys: Int
        /// Bytes read in all.
        public var bytes: Int64
        /// The newest dump's time (the report's "now"); the reading's time when no file says.
        public var dumpedAt: Date
    }

    /// How long a file is read before progress is first told, and how often after.
    public struct ProgressPace: Sendable {
        /// Until the first report: a file read faster says nothing.
        public var first: Duration
        /// Between reports.
        public var every: Duration

        /// Half a second, then four times a second.
        public init(first: Duration = .milliseconds(500), every: Duration = .milliseconds(250)) {
            self.first = first
            self.every = every
        }
    }

    /// Reads `paths` (`-`: standard input) into one model with `configuration`, verifying each
    /// file's checksum unless told not to, memory counted in `allocator`'s sizes; `progress`
    /// hears the bytes read of each file and its size (0 when unknown: a pipe), at `pace`, and
    /// once more at the file's end if it heard of it before.
    public static func analyse(
        paths: [String], configuration: KeyspaceModel.Configuration, verifyChecksum: Bool = true,
        allocator: Allocator = .jemalloc, pace: ProgressPace = ProgressPace(),
        progress: (_ path: String, _ read: Int64, _ size: Int64) -> Void = { _, _, _ in }
    ) throws -> Outcome {
        var model = KeyspaceModel(configuration: configuration)
        var outcome = Outcome(model: model, files: [], expiredAtDump: 0, keys: 0, bytes: 0, dumpedAt: Date())
        var newest: Date?
        for path in paths {
            let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
            guard descriptor >= 0 else {
                throw RDBError(offset: 0, "cannot open \(path): \(String(cString: strerror(errno)))")
            }
            defer { if path != "-" { close(descriptor) } }
            var status = stat()
            let size =
                fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG ? Int64(status.st_size) : 0
            let reader = RDBReader(descriptor: descriptor, verifyChecksum: verifyChecksum, allocator: allocator)
            // The file is read and parsed on a thread of its own; its keys are modelled here.
            let batches = DumpBatches()
            batches.read(reader)
            // The dump's time is an aux field near the start: keys read before it (none, in files
            // servers write) are dated by the reading's time.
            var dumpTime: Date?
            var nowMilliseconds: Int64 = 0
            var expired = 0
            var keys = 0
            let clock = ContinuousClock()
            var nextReport = clock.now + pace.first
            var reported = false
            var read: Result<RDBReader.Summary, RDBError>?
            while read == nil {
                let batch = batches.next()
                if dumpTime == nil, batch.count > 0 {
                    let now = batch.createdAt.map { Date(timeIntervalSince1970: Double($0)) } ?? Date()
                    dumpTime = now
                    nowMilliseconds = Int64((now.timeIntervalSince1970 * 1000).rounded())
                }
                let now = dumpTime ?? Date()
                for key in UnsafeBufferPointer(start: batch.keys, count: batch.count) {
                    var ttl: Int64?
                    if let expiresAt = key.expiresAtMilliseconds {
                        let left = expiresAt - nowMilliseconds
                        guard left > 0 else {
                            expired += 1
                            continue
                        }
                        ttl = left
                    }
                    keys += 1
                    model.record(
                        dumped: batch.name(key),
                        type: key.typeName, ttlMilliseconds: ttl, memoryBytes: key.memoryBytes, length: key.length,
                        frequency: key.frequency, idleSeconds: key.idleSeconds, nowMilliseconds: nowMilliseconds,
                        now: now)
                }
                if clock.now >= nextReport {
                    nextReport = clock.now + pace.every
                    reported = true
                    progress(path, batch.bytesRead, size)
                }
                read = batch.outcome
                batches.recycle(batch)
            }
            let summary: RDBReader.Summary
            switch read {
            case .success(let whole): summary = whole
            case .failure(let error):
                throw RDBError(offset: error.offset, paths.count > 1 ? "\(path): \(error.reason)" : error.reason)
            case nil: preconditionFailure("the loop ends with an outcome")
            }
            if reported { progress(path, summary.bytes, size) }
            let created = summary.createdAt.map { Date(timeIntervalSince1970: Double($0)) }
            if let created { newest = max(newest ?? created, created) }
            outcome.files.append((path, summary))
            outcome.expiredAtDump += expired
            outcome.keys += keys
            outcome.bytes += summary.bytes
        }
        outcome.dumpedAt = newest ?? Date()
        model.updateTotal(keys: Int64(outcome.keys))
        model.completePass()
        model.refresh(now: outcome.dumpedAt)
        outcome.model = model
        return outcome
    }
}
