import CPostgres

/// A statement's answer, copied out of libpq's `PGresult` at once (the result is cleared
/// before this is returned): its columns, each with its type's OID, and its rows as text
/// (libpq's text format), nil for NULL.
public struct PostgresRows: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var name: String
        /// The column's type (`pg_type.oid`): see `PostgresType`.
        public var type: UInt32
    }

    public var columns: [Column]
    public var rows: [[String?]]

    /// Copies `result` (`PQnfields`, `PQfname`, `PQftype`, `PQgetvalue`, `PQgetisnull`);
    /// the caller still owns and clears it.
    init(copying result: OpaquePointer) {
        let fields = Int32(agentreplay_PQnfields(result))
        columns = (0..<fields).map { Column(name: String(cString: agentreplay_PQfname(result, $0)), type: UInt32(agentreplay_PQftype(result, $0))) }
        let count = agentreplay_PQntuples(result)
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(count))
        for row in 0..<count {
            rows.append(
                (0..<fields).map { field in
                    agentreplay_PQgetisnull(result, row, field) == 1 ? nil : String(cString: agentreplay_PQgetvalue(result, row, field))
                })
        }
        self.rows = rows
    }
}

/// The OIDs of the built-in types an answer's columns may have (`pg_type.dat`).
public enum PostgresType {
    public static let bool: UInt32 = 16
    public static let bytea: UInt32 = 17
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let oid: UInt32 = 26
    public static let float4: UInt32 = 700
    public static let float8: UInt32 = 701
    public static let numeric: UInt32 = 1700
}
