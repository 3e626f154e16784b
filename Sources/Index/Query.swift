import GRDB

/// Queries of a store: any SQL a user writes (read-only: a statement that writes fails), and
/// the named questions people ask most (`NamedQuery`).
public enum Query {
    /// Runs `sql` on `store` in a read-only transaction, with `arguments` bound by name
    /// (`:since`), and returns every row.
    public static func run(_ sql: String, on store: Store, arguments: [String: String] = [:]) throws(Store.Failure) -> QueryResult {
        do {
            return try store.queue.read { db in
                let statement = try db.makeStatement(sql: sql)
                do {
                    try statement.setArguments(StatementArguments(arguments))
                } catch {
                    throw Store.Failure(
                        description: "the query's parameters: \(Store.message(error))", hint: "give each :NAME the query uses with --param NAME=VALUE"
                    )
                }
                let columns = statement.columnNames
                var rows: [[QueryResult.Cell]] = []
                let cursor = try Row.fetchCursor(statement)
                while let row = try cursor.next() {
                    rows.append((0..<columns.count).map { QueryResult.Cell(row[$0] as DatabaseValue) })
                }
                return QueryResult(columns: columns, rows: rows)
            }
        } catch let failure as Store.Failure {
            throw failure
        } catch {
            throw Store.Failure(description: "the query failed: \(Store.message(error))", hint: "docs/index.md lists the tables and their columns")
        }
    }
}
