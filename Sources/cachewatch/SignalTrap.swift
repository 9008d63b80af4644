import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP, handled off the signal context. Headless commands (and the
/// dashboard before it takes the terminal) clean up and exit at once; the dashboard polls
/// ``received`` from its loop, restores the terminal, cleans up and exits with the conventional
/// 128 + signal status.
enum SignalTrap {
    private static let queue = DispatchQueue(label: "cachewatch.signals")
    private static let state = Mutex<(sources: [any DispatchSourceSignal], cleanups: [@Sendable () -> Void])>(([], []))
    private static let receivedSignal = Atomic<Int32>(0)
    private static let exitsImmediately = Atomic<Bool>(true)

    /// The signal received, if any.
    static var received: Int32? {
        let value = receivedSignal.load(ordering: .acquiring)
        return value == 0 ? nil : value
    }

    /// Installs the handlers (once; a later call only changes `exitImmediately`). With
    /// `exitImmediately`, a signal runs the registered clean-ups and exits; otherwise it is only
    /// recorded in ``received``.
    static func install(exitImmediately: Bool) {
        exitsImmediately.store(exitImmediately, ordering: .releasing)
        state.withLock { state in
            guard state.sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
                source.setEventHandler {
                    receivedSignal.store(signalNumber, ordering: .releasing)
                    guard exitsImmediately.load(ordering: .acquiring) else { return }
                    runCleanups()
                    exit(128 + signalNumber)
                }
                source.resume()
                state.sources.append(source)
            }
        }
    }

    /// Registers clean-up work (stopping child servers) for an immediate exit.
    static func onExit(_ cleanup: @escaping @Sendable () -> Void) {
        state.withLock { $0.cleanups.append(cleanup) }
    }

    /// Runs and forgets the registered clean-ups.
    static func runCleanups() {
        let cleanups = state.withLock { state in
            defer { state.cleanups = [] }
            return state.cleanups
        }
        for cleanup in cleanups { cleanup() }
    }

    /// Exits with 128 + the received signal if one arrived.
    static func exitIfSignalled() {
        if let signal = received {
            runCleanups()
            exit(128 + signal)
        }
    }
}
