/// A session named on the command line instead of a path: `last` (the newest session of the
/// repository), `last~N` (the one N before it) or the start of a session id.
public enum SessionName {
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The repository has no session at all.
        case none(name: String, repository: String)
        /// `last~N` beyond the oldest.
        case tooFar(name: String, count: Int)
        /// More than one session's id starts with the prefix.
        case ambiguous(prefix: String, candidates: [SessionSummary])

        public var description: String {
            switch self {
            case .none(let name, let repository):
                return "\(name): no such file, and no session of an agent recorded in \(repository) was found"
            case .tooFar(let name, let count):
                return "\(name): the repository has \(count) session\(count == 1 ? "" : "s") (last~\(max(count - 1, 0)) is the oldest)"
            case .ambiguous(let prefix, let candidates):
                return "\(prefix): \(candidates.count) sessions have an id starting with it: "
                    + candidates.map(\.id).joined(separator: ", ")
            }
        }
    }

    /// Whether `text` has the shape of a session name rather than of a path: `last`,
    /// `last~N`, or letters, digits, `-` and `_` only (an id prefix).
    public static func looksLikeName(_ text: String) -> Bool {
        if text == "last" || offset(text) != nil { return true }
        return !text.isEmpty
            && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }

    /// N of `last~N`.
    static func offset(_ text: String) -> Int? {
        guard text.hasPrefix("last~") else { return nil }
        let digits = text.dropFirst(5)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// The session `name` names among `sessions` (newest first; `last` and `last~N` count
    /// only the logs that can be read); nil when it is an id prefix no session has.
    public static func resolve(_ name: String, in sessions: [SessionSummary], repository: String) throws(Failure) -> SessionSummary? {
        if name == "last" || offset(name) != nil {
            // Counted among the sessions that can be read.
            let sessions = sessions.filter { $0.error == nil }
            let n = offset(name) ?? 0
            guard !sessions.isEmpty else { throw .none(name: name, repository: repository) }
            guard n < sessions.count else { throw .tooFar(name: name, count: sessions.count) }
            return sessions[n]
        }
        let lowered = name.lowercased()
        let matches = sessions.filter { $0.id.lowercased().hasPrefix(lowered) }
        if matches.count > 1 { throw .ambiguous(prefix: name, candidates: matches) }
        return matches.first
    }

    /// The shortest prefix of each id, at least `minimum` characters, that no other id in
    /// `sessions` starts with (case aside). Sorted, an id shares its longest common prefix
    /// with a neighbour, so each needs only its two neighbours: O(n log n).
    public static func shortIDs(_ sessions: [SessionSummary], minimum: Int = 8) -> [String] {
        let ids = sessions.map { Array($0.id.lowercased().unicodeScalars) }
        let order = ids.indices.sorted { ids[$0].lexicographicallyPrecedes(ids[$1]) { $0.value < $1.value } }
        func common(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
            var n = 0
            while n < a.count, n < b.count, a[n] == b[n] { n += 1 }
            return n
        }
        var lengths = [Int](repeating: 0, count: ids.count)
        for (k, i) in order.enumerated() {
            var shared = 0
            if k > 0, ids[order[k - 1]] != ids[i] { shared = max(shared, common(ids[order[k - 1]], ids[i])) }
            if k + 1 < order.count, ids[order[k + 1]] != ids[i] { shared = max(shared, common(ids[order[k + 1]], ids[i])) }
            lengths[i] = min(ids[i].count, max(minimum, shared + 1))
        }
        return sessions.indices.map { String(sessions[$0].id.prefix(lengths[$0])) }
    }
}

extension SessionName {
    /// The session a command-line argument names, when it names one rather than a file: a
    /// path that exists wins, and so does anything not shaped like a name; `last`, `last~N`
    /// or an id prefix is looked up among the sessions of the repository holding `directory`.
    /// Nil: read `argument` as a path.
    public static func locate(_ argument: String, directory: String, stores: SessionStores) throws(Failure) -> (
        session: SessionSummary, notes: [String]
    )? {
        guard looksLikeName(argument), FileSystem.stat(argument) == nil else { return nil }
        let top = SessionIndex.repositoryTop(of: directory)
        let listing = SessionIndex.list(stores: stores, repository: top)
        guard let session = try resolve(argument, in: listing.sessions, repository: top) else { return nil }
        return (session, listing.notes)
    }
}
