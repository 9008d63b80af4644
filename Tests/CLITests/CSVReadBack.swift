import Foundation
import TestSupport

/// Reads exported CSV back with Python's `csv` module in strict mode — a parser that is not
/// ours — and hands the rows over as JSON: `{file: [{column: value}]}`, plus `manifest.json`.
/// Every row must have as many cells as the header.
enum CSVReadBack {
    private static let script = """
        import csv, json, os, sys
        out = {}
        paths = sys.argv[1:]
        if len(paths) == 1 and os.path.isdir(paths[0]):
            paths = [os.path.join(paths[0], name) for name in sorted(os.listdir(paths[0]))]
        for path in paths:
            name = os.path.basename(path)
            if name.endswith('.json'):
                with open(path, encoding='utf-8') as f:
                    out[name] = json.load(f)
                continue
            with open(path, newline='', encoding='utf-8') as f:
                rows = list(csv.reader(f, strict=True))
            header, body = rows[0], rows[1:]
            for row in body:
                if len(row) != len(header):
                    sys.exit(f'{name}: a row of {len(row)} cells under {len(header)} columns')
            out[name] = {'header': header, 'rows': [dict(zip(header, row)) for row in body]}
        print(json.dumps(out))
        """

    /// One file's header and rows.
    struct Table {
        let header: [String]
        let rows: [[String: String]]
    }

    /// Reads every file of a snapshot directory (or the given files).
    static func read(_ paths: [String]) async throws -> (tables: [String: Table], manifest: [String: Any]) {
        let process = try ChildProcess(executable: "/usr/bin/python3", arguments: ["-c", script] + paths)
        let code = try await process.waitForExit()
        guard code == 0 else { throw TestFailure("python3 csv: \(process.standardError)") }
        let object = try JSONSerialization.jsonObject(with: Data(process.standardOutput.utf8)) as? [String: Any] ?? [:]
        var tables: [String: Table] = [:]
        for (name, value) in object where name.hasSuffix(".csv") {
            guard let table = value as? [String: Any] else { continue }
            tables[name] = Table(
                header: table["header"] as? [String] ?? [], rows: table["rows"] as? [[String: String]] ?? [])
        }
        return (tables, object["manifest.json"] as? [String: Any] ?? [:])
    }
}
