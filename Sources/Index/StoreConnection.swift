/// One connection to a store inside a transaction the store opened (`Store.write`,
/// `Store.read`): what the index says to SQLite (`SQLiteConnection`) and to PostgreSQL
/// (`PostgresStore.Connection`) alike. SQL is written once, in what both read, with SQLite's
/// placeholders: `?` in order, `:name` by name.
protocol StoreConnection: AnyObject {
    /// Runs a statement of the index's own (kept prepared for its next use).
    func execute(_ sql: String, _ arguments: [(any StoreArgument)?]) throws
    /// Runs a statement whose arguments are named (`:id`).
    func execute(_ sql: String, named: [String: (any StoreArgument)?]) throws
    /// The rows of a query of the index's own.
    func rows(_ sql: String, _ arguments: [(any StoreArgument)?]) throws -> [[QueryResult.Cell]]
    /// Holds the log at `path` until the transaction ends, so that another process indexing
    /// the same store waits for it rather than reading the log at the same time.
    func lock(log path: String) throws
    /// A user's query: `:name` bound from `arguments` (as text), every row.
    func query(_ sql: String, arguments: [String: String]) throws -> QueryResult
}

extension StoreConnection {
    func execute(_ sql: String, _ arguments: (any StoreArgument)?...) throws { try execute(sql, arguments) }

    /// The first column of the first row, nil when there is no row.
    func value(_ sql: String, _ arguments: (any StoreArgument)?...) throws -> QueryResult.Cell? {
        try rows(sql, arguments).first?.first
    }
}

/// A value the index's statements take: an integer, a real, a text (nil is NULL).
protocol StoreArgument {
    var cell: QueryResult.Cell { get }
}

extension Int: StoreArgument { var cell: QueryResult.Cell { .integer(Int64(self)) } }
extension Int64: StoreArgument { var cell: QueryResult.Cell { .integer(self) } }
extension Bool: StoreArgument { var cell: QueryResult.Cell { .integer(self ? 1 : 0) } }
extension Double: StoreArgument { var cell: QueryResult.Cell { .real(self) } }
extension String: StoreArgument { var cell: QueryResult.Cell { .text(self) } }

extension QueryResult.Cell {
    var int64: Int64? {
        switch self {
        case let .integer(v): return v
        case let .real(v): return Int64(exactly: v)
        case let .text(s): return Int64(s)
        default: return nil
        }
    }

    var string: String? {
        switch self {
        case .null: return nil
        case let .text(s): return s
        default: return text
        }
    }
}
