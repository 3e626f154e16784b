extension Schema {
    /// Version 6's identifier.
    static let sumsIdentifier = "v6"

    /// The sum of the integer `columns` (added row by row) over a group, which cannot fail: SQLite's `SUM`
    /// of integers stops the statement with "integer overflow" past Int64, and a log can hold
    /// token counts at Int64's bounds (each saturates there as it is read), so one such log
    /// stopped the whole pass. Added as doubles (exact while the sum is under 2^53, 9×10^15,
    /// which no real session's tokens approach), then saturated at Int64's bounds, as the
    /// reports saturate. The same SQL, and the same answer, in SQLite and PostgreSQL.
    /// (Int64.min is written `-9223372036854775807 - 1`: PostgreSQL reads `-9223372036854775808`
    /// as the negation of a NUMERIC, which would make the whole CASE a NUMERIC.)
    static func saturatingSum(_ columns: String...) -> String {
        // Each column a double before they are added: a sum of BIGINTs past Int64 is an error
        // in PostgreSQL (SQLite makes it a double).
        let sum = "SUM(" + columns.map { "CAST(\($0) AS DOUBLE PRECISION)" }.joined(separator: " + ") + ")"
        return """
            CASE WHEN \(sum) >= 9223372036854775807 THEN 9223372036854775807 \
            WHEN \(sum) <= -9223372036854775807 - 1 THEN -9223372036854775807 - 1 \
            ELSE CAST(\(sum) AS BIGINT) END
            """
    }

    /// Version 6: the trigger that keeps `session_models` adds tokens up with `saturatingSum`
    /// (it used `SUM`). No table changes.
    static let sums: [String] = [
        "DROP TRIGGER IF EXISTS session_models_update",
        sessionModelsUpdate,
    ]

    /// Version 6 in PostgreSQL: the trigger's function, its body replaced.
    static var postgresSums: [String] { [postgresSessionModelsUpdate("CREATE OR REPLACE FUNCTION")] }
}
