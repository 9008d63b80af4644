import ArgumentParser
import Foundation
import Yams

/// A YAML list of servers with names, for `--targets`:
///
/// ```yaml
/// targets:
///   - name: sessions
///     url: redis://10.0.0.5:6379
///   - name: prices
///     url: rediss://prices.internal:6380
/// ```
enum TargetsFile {
    /// One listed server.
    struct Entry: Equatable {
        let name: String?
        let url: String
        let tls: Bool
    }

    /// Reads and checks the file.
    ///
    /// - Throws: a `ValidationError` naming the file and what is wrong, in one line.
    static func load(_ path: String) throws -> [Entry] {
        guard let text = TextInput.read(path) else {
            throw ValidationError("cannot read targets file '\(path)'")
        }
        return try parse(text, source: TextInput.name(path))
    }

    /// Parses the text of a targets file.
    static func parse(_ text: String, source: String) throws -> [Entry] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ValidationError("\(source): not valid YAML")
        }
        guard let list = root?.mapping?["targets"]?.sequence, !list.isEmpty else {
            throw ValidationError("\(source): expected 'targets:' with a list of {name, url}")
        }
        var entries: [Entry] = []
        for (index, item) in list.enumerated() {
            let position = "\(source): target \(index + 1)"
            guard let fields = item.mapping else { throw ValidationError("\(position): expected {name, url}") }
            for key in fields.keys.compactMap(\.string) where !["name", "url", "tls"].contains(key) {
                throw ValidationError("\(position): unknown key '\(key)' (name, url, tls)")
            }
            guard let url = fields["url"]?.string, !url.isEmpty else {
                throw ValidationError("\(position): 'url' is missing")
            }
            let name = fields["name"]?.string
            if let name, name.isEmpty || name.contains(where: \.isNewline) {
                throw ValidationError("\(position): 'name' must be one non-empty line")
            }
            entries.append(Entry(name: name, url: url, tls: fields["tls"]?.bool ?? false))
        }
        return entries
    }
}
