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

/// Polls `count` until it reaches `target`, for as long as it keeps growing: gives up once it has
/// not grown for `stall`, or after `limit` in all. Returns the last count. For "none lost"
/// checks, where a loaded machine may take long to deliver everything but a loss shows as a
/// count that stops short.
public func count(
    reaching target: Int, stall: Duration = .seconds(5), limit: Duration = .seconds(60),
    _ count: () async throws -> Int
) async throws -> Int {
    let start = ContinuousClock.now
    var grewAt = start
    var last = try await count()
    while last < target && ContinuousClock.now - grewAt < stall && ContinuousClock.now - start < limit {
        try await Task.sleep(for: .milliseconds(50))
        let now = try await count()
        if now > last { grewAt = ContinuousClock.now }
        last = now
    }
    return last
}
