/// A credential that never prints itself: `description`, `debugDescription`, string
/// interpolation and reflection all show `<redacted>`.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret text, for the one place that must send it (the handshake).
    public let revealed: String

    /// Wraps a secret.
    public init(_ value: String) {
        revealed = value
    }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// A mirror with no children, so `dump` shows nothing either.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
