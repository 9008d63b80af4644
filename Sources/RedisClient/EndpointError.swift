/// A URL or set of connection flags that does not describe a server. The message is one line
/// and never contains a password.
public struct EndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, in one line.
    public let description: String

    init(_ description: String) {
        // What the user typed is quoted: a line end or control character in it stays on the line.
        self.description = String(
            description.unicodeScalars.flatMap { scalar -> [Unicode.Scalar] in
                scalar.properties.generalCategory == .control
                    ? Array(scalar.escaped(asASCII: true).unicodeScalars) : [scalar]
            }.map(Character.init))
    }
}
