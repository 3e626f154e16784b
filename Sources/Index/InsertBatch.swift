/// Rows for one table, written several to a statement (`INSERT … VALUES (…), (…), …`) rather
/// than one statement a row: SQLite's work to start a statement (its program, a write cursor
/// on the table and on each of its indexes) was most of what a row cost the index
/// (docs/performance.md, "Run 19"). The rows go in the order they were added, so the
/// table's row ids are those a statement per row gives; what is pending is written by `flush`,
/// which the writer calls before anything reads the table.
///
/// A flush writes the pending rows in groups of `capacity`, then of each power of two below it
/// that the rest holds, so a table needs at most a handful of statements, each prepared once.
struct InsertBatch {
    /// The statement up to `VALUES`: `INSERT INTO t (a, b) VALUES`.
    let head: String
    /// The values a row has.
    let columns: Int
    /// The rows a full group holds (a power of two).
    let capacity: Int
    /// The pending rows' values, row after row.
    private var values: [(any StoreArgument)?] = []
    /// The statement for each group size written so far, by size.
    private var statements: [Int: String] = [:]

    init(_ head: String, columns: Int, capacity: Int = 32) {
        precondition(columns > 0 && capacity > 0 && capacity & (capacity - 1) == 0, "InsertBatch: a positive width, a power of two")
        self.head = head
        self.columns = columns
        self.capacity = capacity
        values.reserveCapacity(columns * capacity)
    }

    /// The group size for `file_effects` rows: one in SQLite, where several rows to a statement
    /// made SQLite keep a statement journal for each (the only table whose multi-row inserts
    /// did), spilled to a temporary file: indexing the 135 MB bench log made 200,609 `pwrite`
    /// calls, 43,307 a row a statement. PostgreSQL has no such journal, and a statement is a
    /// round trip to the server.
    static func fileEffectsCapacity(_ db: any StoreConnection) -> Int {
        db is SQLiteConnection ? 1 : 32
    }

    /// The rows not yet written.
    var pending: Int { values.count / columns }

    /// Adds a row (its values in the order of `head`'s columns); a full group is written.
    mutating func add(_ row: [(any StoreArgument)?], to db: any StoreConnection) throws {
        precondition(row.count == columns, "InsertBatch: \(row.count) values for \(columns) columns of `\(head)`")
        values.append(contentsOf: row)
        if values.count == columns * capacity { try flush(to: db) }
    }

    /// Writes every pending row.
    mutating func flush(to db: any StoreConnection) throws {
        var done = 0
        var size = capacity
        while done < pending {
            while size > pending - done { size /= 2 }
            let sql = statement(rows: size)
            if done == 0, size == pending {
                try db.execute(sql, values)
            } else {
                try db.execute(sql, Array(values[(done * columns)..<((done + size) * columns)]))
            }
            done += size
        }
        values.removeAll(keepingCapacity: true)
    }

    private mutating func statement(rows: Int) -> String {
        if let sql = statements[rows] { return sql }
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ",") + ")"
        let sql = head + " " + Array(repeating: row, count: rows).joined(separator: ",")
        statements[rows] = sql
        return sql
    }
}
