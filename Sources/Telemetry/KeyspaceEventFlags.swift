/// The server's `notify-keyspace-events` setting: which keyspace events it publishes, what is
/// missing for the ones cachewatch counts, and the setting that would add them to what is there.
public struct KeyspaceEventFlags: Sendable, Hashable, CustomStringConvertible {
    /// The flags as the server returned them (`CONFIG GET notify-keyspace-events`), e.g. `Ex`.
    public let text: String

    /// Reads `text` (an empty string: nothing is published).
    public init(_ text: String) { self.text = text }

    /// The flags as the server returned them.
    public var description: String { text }

    /// What `A` stands for: every class but key misses (and new-key events on 7.0+).
    private static let all: Set<Character> = ["g", "$", "l", "s", "h", "z", "x", "e", "t", "d"]

    private var letters: Set<Character> {
        var letters = Set(text)
        if letters.contains("A") { letters.formUnion(Self.all) }
        letters.remove("A")
        return letters
    }

    /// Whether `other` publishes the same events (the server reads a setting back in its own
    /// order: `Exe` comes back as `xeE`).
    public func isEquivalent(to other: KeyspaceEventFlags) -> Bool { letters == other.letters }

    /// Whether keyevent channels are published at all (`E`).
    public var publishesKeyEvents: Bool { letters.contains("E") }

    /// The kinds of `wanted` published on keyevent channels now.
    public func published(_ wanted: Set<KeyEventKind>) -> Set<KeyEventKind> {
        guard publishesKeyEvents else { return [] }
        return wanted.filter { letters.contains($0.flag) }
    }

    /// The kinds of `wanted` not published now.
    public func missing(_ wanted: Set<KeyEventKind>) -> Set<KeyEventKind> { wanted.subtracting(published(wanted)) }

    /// The setting that publishes `wanted` too, keeping every flag set now: `E` and the missing
    /// kinds' flags appended.
    public func adding(_ wanted: Set<KeyEventKind>) -> KeyspaceEventFlags {
        var added = text
        if !publishesKeyEvents { added.append("E") }
        for kind in missing(wanted).sorted() where !letters.contains(kind.flag) { added.append(kind.flag) }
        return KeyspaceEventFlags(added)
    }

    /// The command a user would run to publish `wanted` too (shown, never sent unless asked).
    public func enablingCommand(_ wanted: Set<KeyEventKind>) -> String {
        "CONFIG SET notify-keyspace-events \(adding(wanted).text)"
    }
}
