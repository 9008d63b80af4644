/// A failure of the test harness itself.
public struct TestFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// Creates a failure.
    public init(_ description: String) { self.description = description }
}
