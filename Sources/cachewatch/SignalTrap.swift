import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs clean-up (stopping child servers) on SIGINT and SIGTERM, then exits with the
/// conventional 128 + signal status.
enum SignalTrap {
    private static let queue = DispatchQueue(label: "cachewatch.signals")
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Installs the handlers; `cleanup` runs once, on the signal queue, before exiting.
    static func onTermination(_ cleanup: @escaping @Sendable () -> Void) {
        queue.sync {
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
                source.setEventHandler {
                    cleanup()
                    exit(128 + signalNumber)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
