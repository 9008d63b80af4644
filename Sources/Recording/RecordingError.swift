/// Why a recording could not be written or read, in one line.
public struct RecordingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The reason.
    public let description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}
