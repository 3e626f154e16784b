import Foundation
import GRDB

/// A `StoreConnection` to a SQLite store: GRDB's `Database`, valid inside the transaction
/// `Store` opened (`DatabaseQueue.write`, `read`).
final class SQLiteConnection: StoreConnection {
    let db: Database

    init(_ db: Database) { self.db = db }

    func execute(_ sql: String, _ arguments: [(any StoreArgument)?]) throws {
        let statement = try db.cachedStatement(sql: sql)
        statement.setUncheckedArguments(StatementArguments(arguments.map { Self.value($0?.cell ?? .null) }))
        try statement.execute()
    }

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
        case let .text(s): return s.databaseValue
        case let .blob(b): return Data(b).databaseValue
        }
    }
}
