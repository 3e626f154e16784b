import CPostgres

/// libpq itself, which is not linked: `CPostgres` opens it with `dlopen` the first time a
/// store in PostgreSQL is used, so every other command starts without mapping it and the
/// twenty-odd libraries it needs (Kerberos, LDAP, GnuTLS, SASL…). Everything in this module
/// that calls libpq loads it first.
public enum PostgresLibrary {
    /// Opens libpq (`libpq.so.5`; once for the life of the process) and finds the functions
    /// this module calls. Throws why not, naming the library and the package that installs it.
    public static func load() throws(PostgresError) {
        if let problem = agentreplay_pq_load() { throw PostgresError(message: String(cString: problem)) }
    }

    /// What `load` would say of the library `file` (a name `dlopen` searches for, or a path):
    /// nil when it would do. It does not become the library this module calls.
    public static func problem(loading file: String) -> String? {
        var message = [CChar](repeating: 0, count: 1024)
        return message.withUnsafeMutableBufferPointer { buffer in
            agentreplay_pq_try(file, buffer.baseAddress, buffer.count).map { String(cString: $0) }
        }
    }
}
