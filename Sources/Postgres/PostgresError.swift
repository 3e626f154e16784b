/// What libpq said went wrong: connecting, or a statement. The message is libpq's (or the
/// server's) own text, untouched: whoever shows it to a person makes it inert first.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// The server's SQLSTATE code (`42P01`, `25006`…), nil when the failure was the
    /// connection's (no server answer).
    public var sqlState: String?
    public var message: String

    public init(sqlState: String? = nil, message: String) {
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String { message }
}
