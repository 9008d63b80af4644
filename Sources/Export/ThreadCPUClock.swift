#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The CPU time of the calling thread (user and system), for measuring what a piece of
/// synchronous work costs on a busy process: wall time would count other threads' turns.
public enum ThreadCPUClock {
    /// The calling thread's CPU time so far.
    public static func now() -> Duration {
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return .zero }
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    /// Runs `body` and returns its result with the CPU time it took on this thread.
    public static func measure<Result>(_ body: () throws -> Result) rethrows -> (Result, Duration) {
        let start = now()
        let result = try body()
        return (result, now() - start)
    }
}
