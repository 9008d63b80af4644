import Foundation
import Telemetry
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
public enum TargetsFile {
    /// One listed server.
    public struct Entry: Sendable, Equatable {
        /// The name it is shown under, if given.
        public let name: String?
        /// Its URL (`redis://`, `rediss://`, `unix://`).
        public let url: String
        /// Whether to use TLS even for a `redis://` URL.
        public let tls: Bool
    }

    /// What is wrong with a targets file, in one line naming the file and the entry.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        /// The line.
        public let description: String

        init(_ description: String) { self.description = description }
    }

    /// Parses and checks the text of a targets file; `source` names it in problems.
    ///
    /// - Throws: ``Problem``.
    public static func parse(_ text: String, source: String) throws(Problem) -> [Entry] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw Problem("\(source): not valid YAML")
        }
        guard let list = root?.mapping?["targets"]?.sequence, !list.isEmpty else {
            throw Problem("\(source): expected 'targets:' with a list of {name, url}")
        }
        var entries: [Entry] = []
        for (index, item) in list.enumerated() {
            let position = "\(source): target \(index + 1)"
            guard let fields = item.mapping else { throw Problem("\(position): expected {name, url}") }
            for key in fields.keys.compactMap(\.string) where !["name", "url", "tls"].contains(key) {
                throw Problem("\(position): unknown key '\(key)' (name, url, tls)")
            }
            guard let url = fields["url"]?.string, !url.isEmpty else {
                throw Problem("\(position): 'url' is missing")
            }
            let name = fields["name"]?.string
            if let name, name.isEmpty || name.contains(where: \.isNewline) {
                throw Problem("\(position): 'name' must be one non-empty line")
            }
            entries.append(Entry(name: name, url: url, tls: fields["tls"]?.bool ?? false))
        }
        return entries
    }
}
