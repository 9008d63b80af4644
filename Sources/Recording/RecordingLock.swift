import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `DIR/cachewatch.lock`, locked (`flock`) by the one cachewatch recording into `DIR`: a second
/// one would hand out the same name numbers and mix its ticks into the first's. The lock goes
/// with the process (a crash or `SIGKILL` leaves none behind); readers never take it.
final class RecordingLock: Sendable {
    /// The lock file's descriptor; -1 once released.
    private let descriptor: Atomic<Int32>

    /// Takes the lock of `directory`.
    ///
    /// - Throws: ``RecordingError`` when another process holds it, or the file cannot be made.
    init(directory: String) throws(RecordingError) {
        let path = (directory as NSString).appendingPathComponent("cachewatch.lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RecordingError("cannot record into \(directory): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(
                in: .whitespacesAndNewlines)
            close(descriptor)
            throw RecordingError(
                "\(directory) is being recorded by another cachewatch\(holder.map { $0.isEmpty ? "" : " (pid \($0))" } ?? "")"
            )
        }
        ftruncate(descriptor, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        self.descriptor = Atomic(descriptor)
    }

    /// Lets the lock go (the recorder closed): another recorder may take it at once, whoever
    /// still holds this object.
    func release() {
        let descriptor = descriptor.exchange(-1, ordering: .acquiringAndReleasing)
        if descriptor >= 0 { close(descriptor) }
    }

    deinit { release() }
}
