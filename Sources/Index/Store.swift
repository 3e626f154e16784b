import Foundation
import GRDB

/// The index's store: one SQLite file (through GRDB), its tables made by `Schema`'s
/// migrations. Not `Sendable`: one store per thread.
public final class Store {
    /// Why a store cannot be used: it cannot be opened, or it is from a newer agentreplay.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
        public var hint: String?
    }

    public let path: String
    let queue: DatabaseQueue

    /// The default store: `$XDG_DATA_HOME/agentreplay/index.sqlite`, else
    /// `$HOME/.local/share/agentreplay/index.sqlite`.
    public static func defaultPath(environment: [String: String]) -> String {
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/agentreplay/index.sqlite" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/agentreplay/index.sqlite"
    }

    /// Opens (and, when `create`, makes) the store at `path`, bringing its tables to this
    /// build's version. A store whose version is newer is refused.
    public init(path: String, create: Bool = true) throws(Failure) {
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
            queue = try DatabaseQueue(path: path, configuration: config)
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

    static func message(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return "\(error)"
    }
}
