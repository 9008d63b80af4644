import Synchronization

/// A value behind a lock, for the few places that share one across tasks.
final class MutexBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func update<Result>(_ body: (inout Value) -> Result) -> Result { mutex.withLock { body(&$0) } }

    func read<Result>(_ body: (Value) -> Result) -> Result { mutex.withLock { body($0) } }
}
