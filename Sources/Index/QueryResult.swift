import Foundation
import GRDB
import Trace

/// The answer to a query: its columns, in the query's order, and its rows.
public struct QueryResult: Sendable, Equatable {
    /// One value of a row, as SQLite typed it.
    public enum Cell: Sendable, Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob([UInt8])

        /// The value as text: a number as SQLite prints it (a whole real keeps `.0`), a blob
        /// in hexadecimal, null as the empty string.
        public var text: String {
            switch self {
            case .null: return ""
            case let .integer(v): return String(v)
            case let .real(v): return Self.real(v)
            case let .text(s): return s
            case let .blob(b): return b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
            }
        }

        /// The shortest decimal that reads back as `v` (Swift's own), so output is stable.
        static func real(_ v: Double) -> String {
            guard v.isFinite else { return v.isNaN ? "NaN" : (v < 0 ? "-Infinity" : "Infinity") }
            return "\(v)"
        }

        init(_ value: DatabaseValue) {
            switch value.storage {
            case .null: self = .null
            case let .int64(v): self = .integer(v)
            case let .double(v): self = .real(v)
            case let .string(s): self = .text(s)
            case let .blob(d): self = .blob(Array(d))
            }
        }
    }

    public var columns: [String]
    public var rows: [[Cell]]

    public init(columns: [String], rows: [[Cell]]) {
        self.columns = columns
        self.rows = rows
    }

    /// RFC 4180 CSV: a header line, then a line per row; a field is quoted when it holds a
    /// comma, a quote, a carriage return or a newline (looked for byte by byte, so a quote or a
    /// line break inside a grapheme cluster, as `\r\n` is one, is seen). Exact: nothing escaped
    /// but the quotes.
    public func csv() -> String {
        var out: [UInt8] = []
        func field(_ s: String) {
            let utf8 = s.utf8
            guard utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {  // , " \n \r
                out.append(contentsOf: utf8)
                return
            }
            out.append(UInt8(ascii: "\""))
            for byte in utf8 {
                if byte == UInt8(ascii: "\"") { out.append(byte) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
        }
        func line(_ fields: [String]) {
            for (i, f) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                field(f)
            }
            out.append(contentsOf: [UInt8(ascii: "\r"), UInt8(ascii: "\n")])
        }
        line(columns)
        for row in rows { line(row.map(\.text)) }
        return String(decoding: out, as: UTF8.self)
    }

    /// One JSON document: `{"columns": [...], "rows": [{column: value, ...}], "schema":
    /// "agentreplay.query", "version": 1}`; each row's members in the columns' order (a
    /// repeated column name is kept once, its first value).
    public func json() -> JSON {
        func value(_ cell: Cell) -> JSON {
            switch cell {
            case .null: return .null
            case let .integer(v): return .number(String(v))
            case let .real(v): return v.isFinite ? .number(Cell.real(v)) : .string(Cell.real(v))
            case let .text(s): return .string(s)
            case .blob: return .string(cell.text)
            }
        }
        return .object([
            ("columns", .array(columns.map(JSON.string))),
            (
                "rows",
                .array(
                    rows.map { row in
                        var seen = Set<String>()
                        var members: [(String, JSON)] = []
                        for (name, cell) in zip(columns, row) where seen.insert(name).inserted { members.append((name, value(cell))) }
                        return .object(members)
                    })
            ),
            ("schema", .string("agentreplay.query")),
            ("version", .number("1")),
        ])
    }

    /// A table for people: columns padded to their widest value (numbers to the right),
    /// each value passed through `visible` first (the caller's terminal sanitizer), cut to
    /// `maxWidth` characters.
    public func table(visible: (String) -> String, maxWidth: Int = 80) -> String {
        func cut(_ s: String) -> String {
            let one = s.replacingOccurrences(of: "\n", with: "⏎")
            return one.count > maxWidth ? String(one.prefix(maxWidth - 1)) + "…" : one
        }
        let header = columns.map { cut(visible($0)) }
        let cells = rows.map { $0.map { cut(visible($0.text)) } }
        var widths = header.map(\.count)
        for row in cells { for (i, c) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        let numeric = columns.indices.map { i in
            rows.allSatisfy { row in
                switch row[i] {
                case .integer, .real, .null: return true;
                default: return false
                }
            } && !rows.isEmpty
        }
        func line(_ values: [String]) -> String {
            var parts: [String] = []
            for (i, v) in values.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - v.count)
                parts.append(numeric[i] ? pad + v : (i == values.count - 1 ? v : v + pad))
            }
            return parts.joined(separator: "  ")
        }
        var out = line(header) + "\n"
        for row in cells { out += line(row) + "\n" }
        out += "(\(rows.count) row\(rows.count == 1 ? "" : "s"))\n"
        return out
    }
}
