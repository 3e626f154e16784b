extension Schema {
    /// Version 5, for `files-since`: each edit keeps its session's repository
    /// (`file_effects.repository`, what `sessions.repository` says; the writers copy it), and
    /// `file_effects_recent` holds the edits from a time on with every column the question reads,
    /// so that it reads that index alone. Before, it looked each edit's session up in `sessions`
    /// (over 100,000 sessions, half its time, the sessions' rows spread over the file) and kept a
    /// second sort for its distinct sessions. `file_effects_recent` replaces `file_effects_since`
    /// (its first column, `time`, is the same). In SQL both SQLite and PostgreSQL read.
    static let recentEdits: [String] = [
        "ALTER TABLE file_effects ADD COLUMN repository TEXT",
        "UPDATE file_effects SET repository = (SELECT repository FROM sessions WHERE sessions.id = file_effects.session)",
        "CREATE INDEX file_effects_recent ON file_effects (time, repository, path, session, lines_added, lines_removed)",
        "DROP INDEX file_effects_since",
    ]
}
