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
            index = copied
        }
        output.unicodeScalars.append(contentsOf: scalars[copied...])
        return output
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
