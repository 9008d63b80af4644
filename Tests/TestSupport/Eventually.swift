/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
/// Use this instead of sleeping for a fixed time.
public func eventually(
    timeout: Duration = .seconds(10), _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    repeat {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    } while ContinuousClock.now < deadline
    return try await condition()
}
