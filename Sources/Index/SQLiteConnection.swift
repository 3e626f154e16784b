import Foundation
import GRDB
import GRDBSQLite

/// A `StoreConnection` to a SQLite store: GRDB's `Database`, valid inside the transaction
/// `Store` opened (`DatabaseQueue.write`, `read`).
final class SQLiteConnection: StoreConnection {
    let db: Database

    init(_ db: Database) { self.db = db }

    /// The values are bound with SQLite's own calls, as GRDB binds each kind of value: its
    /// `StatementArguments`, built through generic conversions per value, cost more than
    /// SQLite's step of the statement (docs/performance.md, "The index").
    func execute(_ sql: String, _ arguments: [(any StoreArgument)?]) throws {
        let statement = try db.cachedStatement(sql: sql)
        // Resets the statement and clears its bindings; GRDB then takes them as bound.
        statement.setUncheckedArguments(StatementArguments())
        let handle = statement.sqliteStatement
        // Each value read in place: `enumerated()` copied every existential out of the array.
        try arguments.withUnsafeBufferPointer { values in try bind(values, to: handle, sql: sql) }
        try statement.execute()
    }

    private func bind(_ values: UnsafeBufferPointer<(any StoreArgument)?>, to handle: SQLiteStatement, sql: String) throws {
        for i in 0..<values.count {
            let index = CInt(i + 1)
            let code: CInt
            switch values[i]?.cell ?? .null {
            case .null: code = sqlite3_bind_null(handle, index)
            case let .integer(v): code = sqlite3_bind_int64(handle, index, v)
            case let .real(v): code = sqlite3_bind_double(handle, index, v)
            case let .text(s):
                var text = StoredText.storable(s)
                code = text.withUTF8 { sqlite3_bind_text(handle, index, $0.baseAddress, CInt($0.count), Self.transient) }
            case let .blob(b): code = b.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, CInt($0.count), Self.transient) }
            }
            guard code == SQLITE_OK else {
                throw Store.Failure(description: "binding value \(index) of `\(sql)`: SQLite error \(code)", hint: nil)
            }
        }
    }

    /// SQLite copies the value before the bind call returns (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    func execute(_ sql: String, named: [String: (any StoreArgument)?]) throws {
        try db.execute(sql: sql, arguments: StatementArguments(named.mapValues { Self.value($0?.cell ?? .null) }))
    }

    func rows(_ sql: String, _ arguments: [(any StoreArgument)?]) throws -> [[QueryResult.Cell]] {
        let statement = try db.cachedStatement(sql: sql)
        statement.setUncheckedArguments(StatementArguments(arguments.map { Self.value($0?.cell ?? .null) }))
        let count = statement.columnCount
        var rows: [[QueryResult.Cell]] = []
        let cursor = try Row.fetchCursor(statement)
        while let row = try cursor.next() { rows.append((0..<count).map { QueryResult.Cell(row[$0] as DatabaseValue) }) }
        return rows
    }

    /// Nothing to do: a write transaction is `BEGIN IMMEDIATE`, which already holds the
    /// whole file against other writers.
    func lock(log path: String) throws {}

    func query(_ sql: String, arguments: [String: String]) throws -> QueryResult {
        let statement = try db.makeStatement(sql: sql)
        do {
            try statement.setArguments(StatementArguments(arguments))
        } catch {
            throw Store.Failure(
                description: "the query's parameters: \(Store.message(error))", hint: "give each :NAME the query uses with --param NAME=VALUE")
        }
        let columns = statement.columnNames
        var rows: [[QueryResult.Cell]] = []
        let cursor = try Row.fetchCursor(statement)
        while let row = try cursor.next() {
            rows.append((0..<columns.count).map { QueryResult.Cell(row[$0] as DatabaseValue) })
        }
        return QueryResult(columns: columns, rows: rows)
    }

    static func value(_ cell: QueryResult.Cell) -> DatabaseValue {
        switch cell {
        case .null: return .null
        case let .integer(v): return v.databaseValue
        case let .real(v): return v.databaseValue
        case let .text(s): return StoredText.storable(s).databaseValue
        case let .blob(b): return Data(b).databaseValue
        }
    }
}
