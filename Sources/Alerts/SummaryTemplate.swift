/// An alert summary's template: text with `{{name}}` placeholders (`{{value}}`, `{{node}}`,
/// `{{top:namespace_evicted_per_sec}}`…).
///
/// Filled in one pass: each placeholder is looked up once, and what is put in its place is
/// never read again — a namespace called `{{value}}` stays that text. A placeholder nobody knows
/// is left as written.
public enum SummaryTemplate {
    /// `template` with each `{{name}}` for which `resolve(name)` answers replaced by the answer.
    public static func render(_ template: String, _ resolve: (Substring) -> String?) -> String {
        let utf8 = template.utf8
        let scalars = template.unicodeScalars
        let open = UInt8(ascii: "{")
        let close = UInt8(ascii: "}")
        var output = ""
        output.reserveCapacity(utf8.count + 64)
        var copied = utf8.startIndex
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let next = utf8.index(after: index)
            guard utf8[index] == open, next != utf8.endIndex, utf8[next] == open else {
                index = next
                continue
            }
            let nameStart = utf8.index(after: next)
            guard let nameEnd = closing(in: utf8, from: nameStart, close) else { break }
            // Sliced by scalars: a String's own subscript would round to whole characters, and
            // a brace may share one with a combining mark that follows it.
            guard let replacement = resolve(Substring(scalars[nameStart..<nameEnd])) else {
                // Not a placeholder: look again from its second brace (`{{{value}}}`).
                index = next
                continue
            }
            output.unicodeScalars.append(contentsOf: scalars[copied..<index])
            output += replacement
            copied = utf8.index(nameEnd, offsetBy: 2)
            // "1 keys" reads "1 key": a plural of the template right after a count of one.
            if replacement == "1" || replacement == "~1",
                let (singular, end) = singular(after: copied, in: template)
            {
                output += singular
                copied = end
            }
            index = copied
        }
        output.unicodeScalars.append(contentsOf: scalars[copied...])
        return output
    }

    /// The plurals a template may put after a count, with their singular.
    static let singulars: [String: String] = [
        "keys": "key", "clients": "client", "sentinels": "sentinel", "bytes": "byte", "elements": "element",
        "replicas": "replica", "nodes": "node", "commands": "command", "slots": "slot", "namespaces": "namespace",
        "seconds": "second", "misses": "miss", "evictions": "eviction",
    ]

    /// When the template goes on at `start` with a space and a known plural word (`" keys"`,
    /// then no letter), that text in the singular and where it ends.
    private static func singular(after start: String.Index, in template: String) -> (String, String.Index)? {
        let rest = template[start...]
        guard rest.first == " " else { return nil }
        let word = rest.dropFirst().prefix { $0.isLetter }
        guard let singular = singulars[String(word)] else { return nil }
        return (" " + singular, word.endIndex)
    }

    /// Where the first `}}` from `start` is, if there is one.
    private static func closing(in utf8: String.UTF8View, from start: String.Index, _ close: UInt8) -> String.Index? {
        var index = start
        while index != utf8.endIndex {
            let next = utf8.index(after: index)
            if utf8[index] == close, next != utf8.endIndex, utf8[next] == close { return index }
            index = next
        }
        return nil
    }
}
