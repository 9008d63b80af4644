/// A shell-style pattern for namespace filters: `*` matches any run of characters, `?` one
/// character, everything else itself, ignoring case (`*session*` matches `Session:*`).
public struct GlobPattern: Sendable, Hashable {
    /// The pattern as written.
    public let text: String
    private let characters: [Character]

    /// Creates a pattern.
    public init(_ text: String) {
        self.text = text
        characters = Array(text.lowercased())
    }

    /// Whether `candidate` matches the whole pattern.
    public func matches(_ candidate: String) -> Bool {
        let subject = Array(candidate.lowercased())
        // Iterative matching with one backtrack point: linear in practice, no recursion.
        var p = 0
        var s = 0
        var star: Int?
        var resume = 0
        while s < subject.count {
            if p < characters.count && (characters[p] == "?" || characters[p] == subject[s]) {
                p += 1
                s += 1
            } else if p < characters.count && characters[p] == "*" {
                star = p
                resume = s
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                s = resume
            } else {
                return false
            }
        }
        while p < characters.count && characters[p] == "*" { p += 1 }
        return p == characters.count
    }
}
