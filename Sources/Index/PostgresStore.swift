import Foundation
import Postgres
import Trace

/// A store in a PostgreSQL database (`--store postgres://…`): the same tables as a SQLite
/// store (`Schema.postgres`), made by the same numbered migrations, kept in the same
/// `grdb_migrations` table. One libpq connection, used by one thread at a time.
final class PostgresStore {
    /// The URL as it may be shown: its password written `***`.
    let name: String
    private let connection: PostgresConnection
    private let adapter: Connection

    /// Connects to the database `url` names and, when `create`, brings its tables to this
    /// build's version; without `create` (`query`) nothing is written: a database with no
    /// store, or an older one, is refused. A store of a newer version is refused either way.
    init(url: String, create: Bool) throws(Store.Failure) {
        name = PostgresURL.redacted(url)
        let password: String?
        do {
            password = try PostgresURL.password(in: url)
        } catch {
            // libpq is opened here, the first time it is needed: it may not be installed.
            throw Store.Failure(
                description: "\(name): cannot use PostgreSQL: \(VisibleText.escape(error.message))",
                hint: "install PostgreSQL's client library (Debian and Ubuntu: `apt-get install libpq5`), or name a SQLite file with --store")
        }
        func inert(_ text: String) -> String {
            var text = text
            if let password { text = text.replacingOccurrences(of: password, with: "***") }
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return VisibleText.escape(lines.joined(separator: "; "))
        }
        do {
            connection = try PostgresConnection(conninfo: url)
        } catch {
            let target = error.target.map { " (host \(inert($0.host.isEmpty ? "default" : $0.host)), database \(inert($0.database)))" } ?? ""
            throw Store.Failure(
                description: "\(name): cannot connect to PostgreSQL\(target): \(inert(error.error.message))",
                hint: "check the URL (postgres://USER@HOST:PORT/DATABASE), that the server is running and that the database exists (createdb)")
        }
        adapter = Connection(connection)
        let database = connection.target.database
        if let encoding = connection.parameter("server_encoding"), encoding != "UTF8" {
            throw Store.Failure(
                description: "\(name): the database \(inert(database)) is encoded \(inert(encoding)); an index store needs UTF8",
                hint: "make the database with `createdb -E UTF8 -T template0 NAME`")
        }
        do {
            if create { try migrate() } else { try check() }
        } catch let failure as Store.Failure {
            throw failure
        } catch {
            throw Store.Failure(description: "\(name): cannot open the index store: \(inert(Store.message(error)))", hint: nil)
        }
    }

    /// A key for `pg_advisory_xact_lock` that only migrations take.
    static let migrationLock = 0x6167_656E_7472_706C  // "agentrpl"

    /// The migrations this store has applied, by identifier; nil when it has no store.
    private func applied() throws -> [String]? {
        let exists = try connection.execute("SELECT to_regclass('grdb_migrations') IS NOT NULL").rows.first?.first ?? nil
        guard exists == "t" else { return nil }
        return try connection.execute("SELECT identifier FROM grdb_migrations ORDER BY identifier").rows.compactMap { $0.first ?? nil }
    }

    private func refuseNewer(_ applied: [String]) throws {
        let known = Set(Schema.postgresMigrations.map(\.identifier))
        guard applied.contains(where: { !known.contains($0) }) else { return }
        let newest = applied.compactMap { Int($0.dropFirst()) }.max() ?? Schema.version + 1
        throw Store.Failure(
            description:
                "\(name): the index store is version \(newest), written by a newer agentreplay; this one reads versions up to \(Schema.version)",
            hint: "use an agentreplay that reads store version \(newest), or name another store with --store")
    }

    /// Applies the migrations this store lacks, in one transaction that holds the migration
    /// lock: two processes opening a new database at once make its tables once.
    private func migrate() throws {
        try transaction(readOnly: false) { _ in
            try connection.execute("SELECT pg_advisory_xact_lock(\(Self.migrationLock))")
            try connection.execute("CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT COLLATE \"C\" NOT NULL PRIMARY KEY)")
            let done = try applied() ?? []
            try refuseNewer(done)
            for migration in Schema.postgresMigrations where !done.contains(migration.identifier) {
                for statement in migration.statements { try connection.execute(statement) }
                try connection.execute("INSERT INTO grdb_migrations (identifier) VALUES ($1)", [migration.identifier])
            }
            try connection.execute(
                "INSERT INTO store (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [String(Schema.version)])
        }
    }

    /// What `query` checks, reading only: a store is there, and of this build's version.
    private func check() throws {
        try transaction(readOnly: true) { _ in
            guard let done = try applied(), !done.isEmpty else {
                throw Store.Failure(
                    description: "\(name): no index store in this database", hint: "make one with `agentreplay index --store URL`")
            }
            try refuseNewer(done)
            if done.count < Schema.postgresMigrations.count {
                throw Store.Failure(
                    description: "\(name): the index store is an older version; this agentreplay reads version \(Schema.version)",
                    hint: "bring it up to date with `agentreplay index --store URL` (query never writes)")
            }
        }
    }

    /// Runs `body` in a transaction (`BEGIN`, or `BEGIN READ ONLY`), committed when it returns
    /// and rolled back when it throws.
    func transaction<T>(readOnly: Bool, _ body: (any StoreConnection) throws -> T) throws -> T {
        try connection.execute(readOnly ? "BEGIN READ ONLY" : "BEGIN")
        do {
            let value = try body(adapter)
            try connection.execute("COMMIT")
            return value
        } catch {
            _ = try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// `StoreConnection` through libpq: SQLite's placeholders rewritten (`Placeholders`), the
    /// index's statements prepared, the answers typed as SQLite would type them.
    final class Connection: StoreConnection {
        let connection: PostgresConnection
        /// Each statement of the index's own, rewritten once.
        private var rewritten: [String: Placeholders] = [:]

        init(_ connection: PostgresConnection) { self.connection = connection }

        private func statement(_ sql: String) -> Placeholders {
            if let known = rewritten[sql] { return known }
            let fresh = Placeholders(sql, positional: true)
            rewritten[sql] = fresh
            return fresh
        }

        private func run(_ sql: String, _ arguments: [(any StoreArgument)?]) throws -> PostgresRows {
            let statement = statement(sql)
            let values = statement.parameters.map { parameter -> String? in
                guard case let .position(i) = parameter, i < arguments.count else { return nil }
                return Self.text(arguments[i]?.cell ?? .null)
            }
            return try connection.execute(statement.sql, values, prepare: true)
        }

        func execute(_ sql: String, _ arguments: [(any StoreArgument)?]) throws { _ = try run(sql, arguments) }

        func execute(_ sql: String, named: [String: (any StoreArgument)?]) throws {
            let statement = statement(sql)
            let values = statement.parameters.map { parameter -> String? in
                guard case let .name(name) = parameter, let value = named[name] else { return nil }
                return Self.text(value?.cell ?? .null)
            }
            try connection.execute(statement.sql, values, prepare: true)
        }

        func rows(_ sql: String, _ arguments: [(any StoreArgument)?]) throws -> [[QueryResult.Cell]] {
            let answer = try run(sql, arguments)
            return answer.rows.map { row in zip(answer.columns, row).map { Self.cell($1, type: $0.type) } }
        }

        /// `pg_advisory_xact_lock` on the path's hash: two paths with one hash only wait for
        /// each other.
        func lock(log path: String) throws {
            try connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", [path], prepare: true)
        }

        func query(_ sql: String, arguments: [String: String]) throws -> QueryResult {
            let statement = Placeholders(sql, positional: false)
            var values: [String?] = []
            for case let .name(name) in statement.parameters {
                guard let value = arguments[name] else {
                    throw Store.Failure(
                        description: "the query's parameters: missing value for :\(name)",
                        hint: "give each :NAME the query uses with --param NAME=VALUE")
                }
                values.append(value)
            }
            let answer = try connection.execute(statement.sql, values)
            return QueryResult(
                columns: answer.columns.map(\.name),
                rows: answer.rows.map { row in zip(answer.columns, row).map { Self.cell($1, type: $0.type) } })
        }

        /// A value as libpq's text format writes it, its text as `StoredText` keeps it.
        static func text(_ cell: QueryResult.Cell) -> String? {
            switch cell {
            case .null: return nil
            case let .integer(v): return String(v)
            case let .real(v): return v.isNaN ? "NaN" : v.isInfinite ? (v < 0 ? "-Infinity" : "Infinity") : "\(v)"
            case let .text(s): return StoredText.storable(s)
            case .blob: return "\\x" + cell.text
            }
        }

        /// A value of an answer as SQLite would type it: integers (and booleans, as 1 and 0)
        /// as integers, floating point as reals, a `numeric` with no fraction as an integer
        /// (`SUM` of integers) and else as a real, `bytea` as a blob, the rest as text.
        static func cell(_ text: String?, type: UInt32) -> QueryResult.Cell {
            guard let text else { return .null }
            switch type {
            case PostgresType.int2, PostgresType.int4, PostgresType.int8, PostgresType.oid:
                return Int64(text).map(QueryResult.Cell.integer) ?? .text(text)
            case PostgresType.bool:
                return .integer(text == "t" ? 1 : 0)
            case PostgresType.float4, PostgresType.float8:
                return Double(text).map(QueryResult.Cell.real) ?? .text(text)
            case PostgresType.numeric:
                if !text.contains("."), let v = Int64(text) { return .integer(v) }
                return Double(text).map(QueryResult.Cell.real) ?? .text(text)
            case PostgresType.bytea where text.hasPrefix("\\x"):
                var bytes: [UInt8] = []
                var digits = text.utf8.dropFirst(2).makeIterator()
                while let high = digits.next(), let low = digits.next() {
                    guard let h = hex(high), let l = hex(low) else { return .text(text) }
                    bytes.append(h << 4 | l)
                }
                return .blob(bytes)
            default:
                return .text(text)
            }
        }

        private static func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            default: return nil
            }
        }
    }
}
