/// The migration that says where a session's file effects come from (docs/index.md,
/// "Where file effects come from"): replayed onto the session's repository, or read from the
/// log, and the replay's verdict. Added columns only: a store of an earlier version keeps its
/// rows, every session `effects = 'log'`.
extension Schema {
    /// Its identifier in both stores' `grdb_migrations`.
    static let effectsIdentifier = "v4"

    /// Its statements, in SQL both SQLite and PostgreSQL read (`postgres` maps the types).
    static let effects: [String] = [
        "ALTER TABLE sessions ADD COLUMN effects TEXT NOT NULL DEFAULT 'log'",
        "ALTER TABLE sessions ADD COLUMN replay_outcome TEXT",
        "ALTER TABLE sessions ADD COLUMN replay_repository TEXT",
        "ALTER TABLE sessions ADD COLUMN replay_note TEXT",
        "ALTER TABLE file_effects ADD COLUMN verdict TEXT",
        "ALTER TABLE file_effects ADD COLUMN replay_commit TEXT",
    ]
}
