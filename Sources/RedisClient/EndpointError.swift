/// A URL or set of connection flags that does not describe a server. The message is one line
/// and never contains a password.
public struct EndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, in one line.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
