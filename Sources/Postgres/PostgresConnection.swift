#if canImport(Glibc)
import Glibc
#endif
import CPostgres

/// One connection to a PostgreSQL server through libpq: the one owner of its `PGconn`
/// (`PQfinish` in `deinit`). Statements are sent with their arguments apart from the SQL
/// (`PQexecParams`, `PQexecPrepared`), as text, their types left to the server. Synchronous;
/// not `Sendable`: libpq allows one thread at a time on a connection.
public final class PostgresConnection {
    private let connection: OpaquePointer
    /// Statements prepared on this connection, by SQL: their names.
    private var prepared: [String: String] = [:]

    /// Where the connection went (`PQhost`, `PQport`, `PQdb`, `PQuser`): what a message names.
    public struct Target: Sendable, Equatable {
        public var host: String
        public var port: String
        public var database: String
        public var user: String
    }

    public let target: Target

    /// Connects with `conninfo` (a `postgres://` or `postgresql://` URL, or `key=value`
    /// pairs: `PQconnectdb`), the client encoding UTF8. Throws libpq's message when the
    /// connection fails, with the target it tried, or why libpq could not be loaded
    /// (`PostgresLibrary.load`; no target).
    public init(conninfo: String) throws(ConnectFailure) {
        do {
            try PostgresLibrary.load()
        } catch {
            throw ConnectFailure(target: nil, error: error)
        }
        guard let connection = agentreplay_PQconnectdb(conninfo) else {
            throw ConnectFailure(target: nil, error: PostgresError(message: "libpq could not allocate a connection"))
        }
        let target = Target(
            host: Self.string(agentreplay_PQhost(connection)), port: Self.string(agentreplay_PQport(connection)),
            database: Self.string(agentreplay_PQdb(connection)),
            user: Self.string(agentreplay_PQuser(connection)))
        guard agentreplay_PQstatus(connection) == CONNECTION_OK else {
            let message = Self.string(agentreplay_PQerrorMessage(connection))
            agentreplay_PQfinish(connection)
            throw ConnectFailure(target: target, error: PostgresError(message: message))
        }
        guard agentreplay_PQsetClientEncoding(connection, "UTF8") == 0 else {
            let message = Self.string(agentreplay_PQerrorMessage(connection))
            agentreplay_PQfinish(connection)
            throw ConnectFailure(target: target, error: PostgresError(message: message))
        }
        // The server's notices (NOTICE, WARNING) are not for the user's terminal: libpq would
        // print them to standard error as they are.
        agentreplay_PQsetNoticeProcessor(connection, { _, _ in }, nil)
        self.connection = connection
        self.target = target
    }

    deinit { agentreplay_PQfinish(connection) }

    /// A connection that could not be made: where it tried (nil when libpq could not be
    /// loaded or could not even read the connection string) and libpq's message.
    public struct ConnectFailure: Error, Sendable {
        public var target: Target?
        public var error: PostgresError
    }

    /// A setting the server reported when the connection started (`PQparameterStatus`):
    /// `server_encoding`, `server_version`…
    public func parameter(_ name: String) -> String? {
        agentreplay_PQparameterStatus(connection, name).map { String(cString: $0) }
    }

    /// Runs one statement with `arguments` as its `$1`, `$2`… (text; nil is NULL) and returns
    /// its rows. `prepare` keeps the statement prepared on the connection for its next use
    /// (`PQprepare` once, then `PQexecPrepared`). A text holding a NUL character is refused
    /// (libpq passes C strings: it would be cut there).
    @discardableResult
    public func execute(_ sql: String, _ arguments: [String?] = [], prepare: Bool = false) throws(PostgresError) -> PostgresRows {
        for case let argument? in arguments where argument.utf8.contains(0) {
            throw PostgresError(message: "a value holds a NUL character, which PostgreSQL's text cannot store")
        }
        var name: String?
        if prepare {
            if let known = prepared[sql] {
                name = known
            } else {
                let fresh = "agentreplay_\(prepared.count + 1)"
                try check(agentreplay_PQprepare(connection, fresh, sql, Int32(arguments.count), nil))
                prepared[sql] = fresh
                name = fresh
            }
        }
        let copies: [UnsafeMutablePointer<CChar>?] = arguments.map { $0.map { strdupOrTrap($0) } }
        defer { for copy in copies { free(copy) } }
        let result = copies.withUnsafeBufferPointer { values -> OpaquePointer? in
            values.withMemoryRebound(to: UnsafePointer<CChar>?.self) { values in
                if let name {
                    return agentreplay_PQexecPrepared(connection, name, Int32(values.count), values.baseAddress, nil, nil, 0)
                }
                return agentreplay_PQexecParams(connection, sql, Int32(values.count), nil, values.baseAddress, nil, nil, 0)
            }
        }
        return try check(result)
    }

    /// The rows of a result that succeeded, else the server's error (`PQresultErrorMessage`,
    /// its SQLSTATE); the result is cleared either way.
    @discardableResult
    private func check(_ result: OpaquePointer?) throws(PostgresError) -> PostgresRows {
        guard let result else { throw PostgresError(message: Self.string(agentreplay_PQerrorMessage(connection))) }
        defer { agentreplay_PQclear(result) }
        switch agentreplay_PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PostgresRows(copying: result)
        default:
            let state = agentreplay_PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw PostgresError(sqlState: state, message: Self.string(agentreplay_PQresultErrorMessage(result)))
        }
    }

    private static func string(_ text: UnsafePointer<CChar>?) -> String {
        text.map { String(cString: $0) } ?? ""
    }
}

private func strdupOrTrap(_ text: String) -> UnsafeMutablePointer<CChar> {
    guard let copy = strdup(text) else { fatalError("out of memory copying a statement's argument") }
    return copy
}
