import Foundation
import GRDB
import Postgres
import Trace

/// The index's store: one SQLite file (through GRDB), or a PostgreSQL database that several
/// machines index into (`postgres://…`, through libpq: `PostgresStore`), its tables made by
/// `Schema`'s migrations. Not `Sendable`: one store per thread.
public final class Store {
    /// Why a store cannot be used: it cannot be opened, or it is from a newer agentreplay.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
        public var hint: String?
    }

    /// The file, or the database's URL with its password written `***`: what messages name.
    public let path: String
    private let backend: Backend

    private enum Backend {
        case sqlite(DatabaseQueue)
        case postgres(PostgresStore)
    }

    /// The default store: `$XDG_DATA_HOME/agentreplay/index.sqlite`, else
    /// `$HOME/.local/share/agentreplay/index.sqlite`.
    public static func defaultPath(environment: [String: String]) -> String {
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/agentreplay/index.sqlite" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/agentreplay/index.sqlite"
    }

    /// Opens (and, when `create`, makes) the store at `path`, bringing its tables to this
    /// build's version. A store whose version is newer is refused. A `postgres://` or
    /// `postgresql://` URL names a PostgreSQL database (which must exist); without `create`
    /// nothing is written to it.
    public init(path: String, create: Bool = true) throws(Failure) {
        if PostgresURL.isURL(path) {
            let store = try PostgresStore(url: path, create: create)
            self.path = store.name
            backend = .postgres(store)
            return
        }
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if create, !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw Failure(description: "\(path): no index store here", hint: "make one with `agentreplay index` (--store names the file)")
        }
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            backend = .sqlite(queue)
            let migrator = Schema.migrator
            try queue.read { db in
                if try migrator.hasBeenSuperseded(db) {
                    let applied = try migrator.appliedIdentifiers(db)
                    let newest = applied.compactMap { Int($0.dropFirst()) }.max() ?? Schema.version + 1
                    throw Failure(
                        description:
                            "\(path): the index store is version \(newest), written by a newer agentreplay; this one reads versions up to \(Schema.version)",
                        hint: "use an agentreplay that reads store version \(newest), or name another store with --store")
                }
            }
            try migrator.migrate(queue)
            try queue.write { db in
                try db.execute(
                    sql: "INSERT INTO store (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    arguments: [String(Schema.version)])
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "\(path): cannot open the index store: \(Self.message(error))", hint: nil)
        }
    }

    /// Whether the store is a PostgreSQL database.
    public var isPostgres: Bool {
        if case .postgres = backend { return true }
        return false
    }

    /// Runs `body` in a write transaction: committed when it returns, rolled back when it throws.
    func write<T>(_ body: (any StoreConnection) throws -> T) throws -> T {
        switch backend {
        case let .sqlite(queue): return try queue.write { try body(SQLiteConnection($0)) }
        case let .postgres(store): return try store.transaction(readOnly: false, body)
        }
    }

    /// Runs `body` in a read-only transaction: a statement that writes fails.
    func read<T>(_ body: (any StoreConnection) throws -> T) throws -> T {
        switch backend {
        case let .sqlite(queue): return try queue.read { try body(SQLiteConnection($0)) }
        case let .postgres(store): return try store.transaction(readOnly: true, body)
        }
    }

    static func message(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        if let e = error as? PostgresError { return VisibleText.escape(e.message.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return "\(error)"
    }
}
