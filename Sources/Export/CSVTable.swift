import CSV
import Foundation

/// One CSV table built in memory: RFC 4180 quoting by CSV.swift, numbers in a fixed plain
/// form, and text cells protected against spreadsheet formulas unless that is turned off.
public struct CSVTable {
    /// One cell: text (may be neutralised) or a number (never is: `-5` is a number, not a formula).
    public enum Cell {
        /// Text as is (quoted when needed).
        case text(String)
        /// A number; `nil` is an empty cell.
        case number(Double?)
        /// An integer; `nil` is an empty cell.
        case integer(Int64?)
    }

    /// The column names.
    public let header: [String]
    /// Whether text cells that start like a formula get a leading `'` (see ``CSVCell``).
    public let neutralizesFormulas: Bool
    private var rows: [[String]] = []

    /// Creates an empty table.
    public init(header: [String], neutralizesFormulas: Bool = true) {
        self.header = header
        self.neutralizesFormulas = neutralizesFormulas
    }

    /// Adds a row (missing trailing cells are empty).
    public mutating func append(_ cells: [Cell]) {
        rows.append(cells.map { Self.render($0, neutralizingFormulas: neutralizesFormulas) })
    }

    /// Rows so far.
    public var count: Int { rows.count }

    /// The table as CSV text, header first, CRLF line ends (RFC 4180).
    public func text() throws -> String {
        try Self.encode([header] + rows)
    }

    /// One row as a CSV line with its CRLF (for appending to a file).
    public static func line(_ cells: [Cell], neutralizesFormulas: Bool = true) throws -> String {
        try encode([cells.map { render($0, neutralizingFormulas: neutralizesFormulas) }])
    }

    /// Rows as CSV text.
    static func encode(_ rows: [[String]]) throws -> String {
        let writer = try CSVWriter(stream: .toMemory(), newline: .crlf)
        for row in rows { try writer.write(row: row) }
        writer.stream.close()
        guard let data = writer.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else { return "" }
        // CSV.swift separates rows; every row here ends with CRLF, the last one too, so that
        // appended rows start on a line of their own.
        return rows.isEmpty ? "" : String(decoding: data, as: UTF8.self) + "\r\n"
    }

    private static func render(_ cell: Cell, neutralizingFormulas: Bool) -> String {
        switch cell {
        case .text(let text): return neutralizingFormulas ? CSVCell.neutralized(text) : text
        case .number(let value): return value.map(JSONText.number) ?? ""
        case .integer(let value): return value.map { String($0) } ?? ""
        }
    }
}
