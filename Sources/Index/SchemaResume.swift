extension Schema {
    /// Version 5's identifier.
    static let resumeIdentifier = "v5"

    /// Version 5: `files.resume_state`, what the Codex importer carries past a grown rollout's
    /// resume point (`CodexResume.state`), so that the rollout is read from there rather than
    /// whole. NULL for every other log, and for a Codex rollout until its next reading. In SQL
    /// both SQLite and PostgreSQL read (`postgres` maps the types).
    static let resume: [String] = [
        "ALTER TABLE files ADD COLUMN resume_state TEXT"
    ]
}
