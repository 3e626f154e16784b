#if canImport(Glibc)
import Glibc
#endif
import CPostgres

/// A PostgreSQL connection URL as a store is named (`postgres://…`, `postgresql://…`; libpq's
/// own URI form), and what may be shown of it: never its password.
public enum PostgresURL {
    static let schemes = ["postgres://", "postgresql://"]

    /// Whether `store` names a PostgreSQL database rather than a file.
    public static func isURL(_ store: String) -> Bool {
        schemes.contains { store.lowercased().hasPrefix($0) }
    }

    /// `url` with its password, in the user information (`user:secret@`) or as a
    /// `password=` parameter, written `***`. The rest is kept as written.
    public static func redacted(_ url: String) -> String {
        guard let scheme = schemes.first(where: { url.lowercased().hasPrefix($0) }) else { return url }
        var rest = Substring(url.dropFirst(scheme.count))
        var out = String(url.prefix(scheme.count))
        // The authority ends at the first '/', '?' or '#'; its user information at its last '@'.
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            let user = authority[..<at]
            if let colon = user.firstIndex(of: ":") {
                out += user[..<colon] + ":***"
            } else {
                out += user
            }
            out += authority[at...]
        } else {
            out += authority
        }
        rest = rest[authorityEnd...]
        guard let question = rest.firstIndex(of: "?") else { return out + rest }
        out += rest[...question]
        let query = rest[rest.index(after: question)...]
        let fragment = query.firstIndex(of: "#")
        let parameters = query[..<(fragment ?? query.endIndex)].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let eq = pair.firstIndex(of: "="), pair[..<eq].lowercased() == "password" else { return String(pair) }
            return pair[...eq] + "***"
        }
        out += parameters.joined(separator: "&")
        if let fragment { out += query[fragment...] }
        return out
    }

    /// The password `conninfo` gives, as libpq reads it (percent-decoded: `PQconninfoParse`),
    /// nil when it gives none or cannot be read; a message is scrubbed of it before it is shown.
    /// Throws when libpq cannot be loaded (`PostgresLibrary.load`).
    public static func password(in conninfo: String) throws(PostgresError) -> String? {
        try PostgresLibrary.load()
        var error: UnsafeMutablePointer<CChar>?
        guard let options = agentreplay_PQconninfoParse(conninfo, &error) else {
            if let error { agentreplay_PQfreemem(error) }
            return nil
        }
        defer { agentreplay_PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val {
                let password = String(cString: value)
                return password.isEmpty ? nil : password
            }
            option += 1
        }
        return nil
    }
}
