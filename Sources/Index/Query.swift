import Foundation
import GRDB
import Postgres

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
            throw failed(error)
        }
    }

    /// Runs `sql` on the store at `path` (as `run(_:on:arguments:)`). A SQLite store at this
    /// build's version is opened read-only: nothing written, no migration, no write lock, so a
    /// query starts at once and does not wait for a pass of `agentreplay index`. A store that
    /// lacks a migration is opened as `Store` opens it (brought to this version first); one that
    /// is missing, or from a newer agentreplay, is refused as `Store` refuses it; a PostgreSQL
    /// store is opened as `Store` opens it without `create` (nothing written).
    public static func run(_ sql: String, storeAt path: String, arguments: [String: String] = [:]) throws(Store.Failure) -> QueryResult {
        if !PostgresURL.isURL(path), FileManager.default.fileExists(atPath: path), let queue = current(path) {
            do {
                return try queue.read { try SQLiteConnection($0).query(sql, arguments: arguments) }
            } catch let failure as Store.Failure {
                throw failure
            } catch {
                throw failed(error)
            }
        }
        return try run(sql, on: Store(path: path, create: false), arguments: arguments)
    }

    /// The SQLite store at `path` opened read-only, if every migration this build knows, and
    /// only those, has been applied to it.
    static func current(_ path: String) -> DatabaseQueue? {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            // A page cache (32 MiB) big enough for a question's sort not to spill to a
            // temporary file: files-since over 100,000 sessions sorts about 5 MB.
            try db.execute(sql: "PRAGMA cache_size = -32768")
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            let migrator = Schema.migrator
            let current = try queue.read { db in try migrator.hasCompletedMigrations(db) && !migrator.hasBeenSuperseded(db) }
            return current ? queue : nil
        } catch {
            return nil
        }
    }

    private static func failed(_ error: any Error) -> Store.Failure {
        Store.Failure(description: "the query failed: \(Store.message(error))", hint: "docs/index.md lists the tables and their columns")
    }
}
