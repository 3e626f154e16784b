import Foundation
import GRDB

/// The store's tables, made and changed only by numbered migrations (GRDB's
/// `DatabaseMigrator`): a migration adds or alters, never drops what a user may have
/// queried; a store written by a newer agentreplay (a migration this build does not know)
/// is refused with the version it needs. `docs/index.md` documents every column.
enum Schema {
    /// The newest version this build writes: the number of its last migration.
    static let version = 5

    /// The migrations, in order; each is named `v<N>`.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            for statement in v1 { try db.execute(sql: statement) }
            // The text is kept in `search_rows` (indexed by session, so a log read again deletes
            // its rows without a scan); `search` is its FTS5 index (external content, kept by
            // triggers), or a view of it when the linked SQLite has no FTS5.
            for statement in searchRows { try db.execute(sql: statement) }
            if try fullTextSearch(db) {
                try db.execute(
                    sql: """
                        CREATE VIRTUAL TABLE search USING fts5(text, kind UNINDEXED, session UNINDEXED, span_id UNINDEXED, log_line UNINDEXED,
                          content = 'search_rows', content_rowid = 'id', tokenize = 'unicode61')
                        """)
                try db.execute(
                    sql: """
                        CREATE TRIGGER search_rows_insert AFTER INSERT ON search_rows BEGIN
                          INSERT INTO search (rowid, text, kind, session, span_id, log_line)
                          VALUES (new.id, new.text, new.kind, new.session, new.span_id, new.log_line);
                        END
                        """)
                try db.execute(
                    sql: """
                        CREATE TRIGGER search_rows_delete AFTER DELETE ON search_rows BEGIN
                          INSERT INTO search (search, rowid, text, kind, session, span_id, log_line)
                          VALUES ('delete', old.id, old.text, old.kind, old.session, old.span_id, old.log_line);
                        END
                        """)
            } else {
                try db.execute(sql: "CREATE VIEW search AS SELECT text, kind, session, span_id, log_line FROM search_rows")
            }
        }
        // The full-text index is filled by the reading of a log, one statement at its end
        // (`fillSearch`), not a row at a time by a trigger: SQLite opens a savepoint for each
        // statement that fires one, and FTS5 writes its pending text out at every savepoint
        // (a segment per row, merged over and over: two thirds of a Codex log's indexing time).
        // Deleting still goes through `search_rows_delete`.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS search_rows_insert")
        }
        migrator.registerMigration("v3") { db in
            for statement in v3 + v3Triggers { try db.execute(sql: statement) }
        }
        migrator.registerMigration(effectsIdentifier) { db in
            for statement in effects { try db.execute(sql: statement) }
        }
        migrator.registerMigration(resumeIdentifier) { db in
            for statement in resume + recentEdits { try db.execute(sql: statement) }
        }
        migrator.registerMigration(sumsIdentifier) { db in
            for statement in sums { try db.execute(sql: statement) }
        }
        return migrator
    }

    /// Puts the rows of `search_rows` of `session` whose id is above `after` into `search`,
    /// SQLite's full-text index (nothing to do when it is a view: the SQLite that made the
    /// store had no FTS5, or the store is PostgreSQL's, whose view indexes the rows itself).
    static func fillSearch(_ db: any StoreConnection, session: Int64, after: Int64) throws {
        guard db is SQLiteConnection,
            try db.value("SELECT COUNT(*) FROM sqlite_master WHERE name = 'search' AND type = 'table'")?.int64 == 1
        else { return }
        try db.execute(
            """
            INSERT INTO search (rowid, text, kind, session, span_id, log_line)
            SELECT id, text, kind, session, span_id, log_line FROM search_rows WHERE session = ? AND id > ? ORDER BY id
            """, session, after)
    }

    /// A migration as PostgreSQL runs it: its identifier (`v<N>`, as in SQLite's
    /// `grdb_migrations`) and its statements.
    struct Migration {
        var identifier: String
        var statements: [String]
    }

    /// The migrations of a PostgreSQL store, in order: the same tables and columns as SQLite's.
    static var postgresMigrations: [Migration] {
        [
            Migration(identifier: "v1", statements: (v1 + searchRows).map(postgres) + postgresSearch),
            // SQLite's v2 drops a trigger PostgreSQL's store never had: the numbers stay one.
            Migration(identifier: "v2", statements: []),
            Migration(identifier: "v3", statements: v3.map(postgres) + postgresV3Triggers),
            Migration(identifier: effectsIdentifier, statements: effects.map(postgres)),
            Migration(identifier: resumeIdentifier, statements: (resume + recentEdits).map(postgres)),
            Migration(identifier: sumsIdentifier, statements: postgresSums),
        ]
    }

    /// A statement of `v1` as PostgreSQL needs it: an `INTEGER PRIMARY KEY` (SQLite's row id)
    /// an identity column, every integer 64 bits (`BIGINT`: SQLite's integers are), every real
    /// double precision (PostgreSQL's `REAL` is 32 bits), every text compared byte by byte
    /// (`COLLATE "C"`, as SQLite does, whatever the database's locale), so that ordering and
    /// comparing text give SQLite's answers.
    static func postgres(_ statement: String) -> String {
        statement
            .replacingOccurrences(of: "INTEGER PRIMARY KEY NOT NULL", with: "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
            .replacingOccurrences(of: " INTEGER", with: " BIGINT")
            .replacingOccurrences(of: " REAL", with: " DOUBLE PRECISION")
            .replacingOccurrences(of: " TEXT", with: " TEXT COLLATE \"C\"")
    }

    /// The text people search, in PostgreSQL: `search_rows` as in SQLite; `search` a view of it
    /// with `document`, the text's words (`to_tsvector` with the `simple` configuration: words
    /// lower-cased, not stemmed, as FTS5's `unicode61`), indexed (GIN) for `@@`. A text's first
    /// 250,000 characters are searched: a `tsvector` holds at most 1 MB of words.
    static let postgresSearch: [String] = [
        "CREATE INDEX search_rows_document ON search_rows USING GIN (to_tsvector('simple', left(text, 250000)))",
        """
        CREATE VIEW search AS SELECT text, kind, session, span_id, log_line, to_tsvector('simple', left(text, 250000)) AS document
        FROM search_rows
        """,
    ]

    /// Whether the linked SQLite has FTS5.
    static func fullTextSearch(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT sqlite_compileoption_used('ENABLE_FTS5')") ?? false
    }

    /// The text people search (version 1), indexed by session so that a log read again
    /// deletes its rows without a scan.
    static let searchRows: [String] = [
        """
        CREATE TABLE search_rows (
            id INTEGER PRIMARY KEY NOT NULL,
            text TEXT NOT NULL,
            kind TEXT NOT NULL,
            session INTEGER NOT NULL,
            span_id TEXT,
            log_line INTEGER
        )
        """,
        "CREATE INDEX search_rows_session ON search_rows (session, log_line)",
    ]

    /// Version 1's tables, in SQL both SQLite and PostgreSQL read (`postgres` maps the types).
    static let v1: [String] = [
        """
        CREATE TABLE store (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE files (
            path TEXT PRIMARY KEY NOT NULL,
            format TEXT,
            size INTEGER NOT NULL,
            modified_ns INTEGER NOT NULL,
            end_hash TEXT NOT NULL,
            read_offset INTEGER NOT NULL,
            read_line INTEGER NOT NULL,
            read_hash TEXT NOT NULL,
            resume_offset INTEGER NOT NULL,
            resume_line INTEGER NOT NULL,
            present INTEGER NOT NULL,
            session INTEGER,
            reads INTEGER NOT NULL,
            error TEXT
        )
        """,
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY NOT NULL,
            file TEXT NOT NULL UNIQUE,
            session_id TEXT NOT NULL,
            agent TEXT NOT NULL,
            agent_version TEXT,
            format TEXT NOT NULL,
            repository TEXT,
            branch TEXT,
            start_time TEXT,
            end_time TEXT,
            model TEXT,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            cache_read_tokens INTEGER NOT NULL,
            cache_creation_tokens INTEGER NOT NULL,
            cost_usd REAL NOT NULL,
            cost_complete INTEGER NOT NULL,
            model_turns INTEGER NOT NULL,
            tool_calls INTEGER NOT NULL,
            first_prompt TEXT
        )
        """,
        """
        CREATE TABLE turns (
            session INTEGER NOT NULL,
            number INTEGER NOT NULL,
            span_id TEXT NOT NULL,
            model TEXT,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            reasoning_tokens INTEGER NOT NULL,
            cache_read_tokens INTEGER NOT NULL,
            cache_creation_tokens INTEGER NOT NULL,
            cost_usd REAL,
            start_time TEXT,
            end_time TEXT,
            log_line INTEGER,
            PRIMARY KEY (session, number)
        )
        """,
        """
        CREATE TABLE tool_calls (
            session INTEGER NOT NULL,
            span_id TEXT NOT NULL,
            turn INTEGER NOT NULL,
            tool TEXT NOT NULL,
            call_id TEXT,
            input_summary TEXT NOT NULL,
            status TEXT NOT NULL,
            start_time TEXT,
            end_time TEXT,
            duration_ms INTEGER,
            log_line INTEGER
        )
        """,
        """
        CREATE TABLE file_effects (
            session INTEGER NOT NULL,
            span_id TEXT NOT NULL,
            turn INTEGER NOT NULL,
            path TEXT NOT NULL,
            lines_added INTEGER,
            lines_removed INTEGER,
            source TEXT NOT NULL,
            time TEXT,
            log_line INTEGER
        )
        """,
        """
        CREATE TABLE commands (
            session INTEGER NOT NULL,
            span_id TEXT NOT NULL,
            turn INTEGER NOT NULL,
            command TEXT NOT NULL,
            ending TEXT NOT NULL,
            exit_status INTEGER,
            directory TEXT,
            time TEXT,
            log_line INTEGER
        )
        """,
        """
        CREATE TABLE permissions (
            session INTEGER NOT NULL,
            span_id TEXT NOT NULL,
            turn INTEGER NOT NULL,
            tool TEXT NOT NULL,
            kind TEXT NOT NULL,
            decision TEXT NOT NULL,
            decision_basis TEXT NOT NULL,
            decided_by TEXT,
            mode TEXT,
            sandbox TEXT,
            outcome TEXT NOT NULL,
            risks TEXT NOT NULL,
            time TEXT,
            log_line INTEGER
        )
        """,
        """
        CREATE TABLE risks (
            session INTEGER NOT NULL,
            span_id TEXT NOT NULL,
            turn INTEGER NOT NULL,
            class TEXT NOT NULL,
            tool TEXT NOT NULL,
            what TEXT NOT NULL,
            domain TEXT,
            refused INTEGER NOT NULL,
            log_line INTEGER
        )
        """,
        """
        CREATE TABLE errors (
            file TEXT NOT NULL,
            line INTEGER NOT NULL,
            field TEXT,
            message TEXT NOT NULL
        )
        """,
        // Covering indexes for the named questions: they read an index, in order, not the rows.
        "CREATE INDEX sessions_start ON sessions (start_time, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd, cost_complete)",
        "CREATE INDEX sessions_repository ON sessions (repository, branch, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd, cost_complete)",
        "CREATE INDEX turns_model ON turns (model, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd)",
        "CREATE INDEX file_effects_time ON file_effects (time)",
        "CREATE INDEX commands_failed ON commands (time) WHERE ending = 'failed' OR (ending = 'exited' AND exit_status <> 0)",
        """
        CREATE INDEX permissions_flagged ON permissions (time)
          WHERE decision IN ('denied_by_user', 'denied_by_policy', 'blocked_by_hook', 'blocked_by_sandbox', 'cancelled') OR risks <> ''
        """,
        "CREATE INDEX turns_session ON turns (session)",
        "CREATE INDEX tool_calls_session ON tool_calls (session, log_line)",
        "CREATE INDEX file_effects_path ON file_effects (path)",
        "CREATE INDEX file_effects_session ON file_effects (session, log_line)",
        "CREATE INDEX commands_session ON commands (session, log_line)",
        "CREATE INDEX permissions_session ON permissions (session, log_line)",
        "CREATE INDEX risks_session ON risks (session, log_line)",
        "CREATE INDEX errors_file ON errors (file)",
    ]

    /// `session_models`' columns from `turns` (to be grouped by session and model).
    static let turnsPerModel = """
        SELECT session, model, COUNT(*), \(saturatingSum("input_tokens")), \(saturatingSum("output_tokens")),
          \(saturatingSum("reasoning_tokens")), \(saturatingSum("cache_read_tokens")), \(saturatingSum("cache_creation_tokens")),
          SUM(cost_usd), SUM(CASE WHEN cost_usd IS NULL THEN 1 ELSE 0 END)
        FROM turns
        """

    /// Version 3: what the named questions read over a large store (100,000 sessions) instead of
    /// every row: `session_models`, each session's model turns added up per model (kept by
    /// triggers: a reading of a log ends by setting its session's totals, and then its rows here
    /// are made again from `turns`), and indexes that hold the columns a question reads, in the
    /// order it groups them. In SQL both SQLite and PostgreSQL read (`postgres` maps the types);
    /// the triggers are `v3Triggers` and `postgresV3Triggers`.
    static let v3: [String] = [
        """
        CREATE TABLE session_models (
            session INTEGER NOT NULL,
            model TEXT,
            turns INTEGER NOT NULL,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            reasoning_tokens INTEGER NOT NULL,
            cache_read_tokens INTEGER NOT NULL,
            cache_creation_tokens INTEGER NOT NULL,
            cost_usd REAL,
            unpriced_turns INTEGER NOT NULL
        )
        """,
        "CREATE INDEX session_models_session ON session_models (session)",
        """
        CREATE INDEX session_models_model
          ON session_models (model, turns, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd, unpriced_turns)
        """,
        "INSERT INTO session_models \(turnsPerModel) GROUP BY session, model",
        // What cost-per-model and cost-per-day read before: no named question reads them now, and
        // every reading of a log paid for keeping them (turns_model: one entry per model turn).
        "DROP INDEX turns_model",
        "DROP INDEX sessions_start",
        // cost-per-day: the sessions in the order of the day they started.
        """
        CREATE INDEX sessions_day ON sessions
          (substr(start_time, 1, 10), input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd, cost_complete, start_time)
        """,
        // files-since: the edits from a time on, with what the question reads of them (replaces
        // `file_effects_time`, its first column).
        "CREATE INDEX file_effects_since ON file_effects (time, session, path, lines_added, lines_removed)",
        "DROP INDEX file_effects_time",
        // sessions-touching: the edits by the last part of their path (after the last `/`), the
        // same for every path the question matches.
        """
        CREATE INDEX file_effects_name
          ON file_effects (substr(path, length(rtrim(path, replace(path, '/', ''))) + 1), session, path, lines_added, lines_removed)
        """,
    ]

    /// Version 3's triggers in SQLite: every reading of a log ends by setting its session's
    /// totals from `turns` (SessionReader), then the session's `session_models` rows are made
    /// again from the same turns.
    static let v3Triggers: [String] = [
        sessionModelsUpdate,
        "CREATE TRIGGER session_models_delete AFTER DELETE ON sessions BEGIN DELETE FROM session_models WHERE session = old.id; END",
    ]

    /// The same triggers in PostgreSQL (a trigger runs a function there).
    static let postgresV3Triggers: [String] = [
        postgresSessionModelsUpdate("CREATE FUNCTION"),
        """
        CREATE TRIGGER session_models_update AFTER UPDATE OF model_turns ON sessions
          FOR EACH ROW EXECUTE FUNCTION session_models_update()
        """,
        """
        CREATE FUNCTION session_models_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          DELETE FROM session_models WHERE session = OLD.id;
          RETURN NULL;
        END
        $$
        """,
        "CREATE TRIGGER session_models_delete AFTER DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION session_models_delete()",
    ]

    /// SQLite's trigger that makes a session's `session_models` rows again from its turns.
    static let sessionModelsUpdate = """
        CREATE TRIGGER session_models_update AFTER UPDATE OF model_turns ON sessions BEGIN
          DELETE FROM session_models WHERE session = new.id;
          INSERT INTO session_models \(turnsPerModel) WHERE session = new.id GROUP BY session, model;
        END
        """

    /// PostgreSQL's function behind the same trigger, made by `verb` (`CREATE FUNCTION`, or
    /// `CREATE OR REPLACE FUNCTION` to change its body).
    static func postgresSessionModelsUpdate(_ verb: String) -> String {
        """
        \(verb) session_models_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          DELETE FROM session_models WHERE session = NEW.id;
          INSERT INTO session_models \(turnsPerModel) WHERE session = NEW.id GROUP BY session, model;
          RETURN NULL;
        END
        $$
        """
    }

    /// The tables a session's rows are in, each with a `session` and `log_line` column.
    static let sessionTables = ["turns", "tool_calls", "file_effects", "commands", "permissions", "risks", "search_rows"]
}
