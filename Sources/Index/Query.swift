/// Queries of a store: any SQL a user writes (read-only: a statement that writes fails), and
/// the named questions people ask most (`NamedQuery`).
public enum Query {
    /// Runs `sql` on `store` in a read-only transaction, with `arguments` bound by name
    /// (`:since`), and returns every row.
    public static func run(_ sql: String, on store: Store, arguments: [String: String] = [:]) throws(Store.Failure) -> QueryResult {
        do {
            return try store.read { try $0.query(sql, arguments: arguments) }
        } catch let failure as Store.Failure {
            throw failure
        } catch {
            throw Store.Failure(
                description: "the query failed: \(Store.message(error))", hint: "docs/index.md lists the tables and their columns")
        }
    }
}
