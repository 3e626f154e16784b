import Git
import Trace

/// What agentreplay's hooks recorded of one session while the agent ran (`agentreplay hooks`,
/// docs/hooks.md), read back from `refs/agentreplay/sessions/<session id>/`:
///
/// - `start`: a commit whose tree is the working tree at the session's start (tracked files as
///   they were on disk, untracked files git does not ignore) and whose parent is the commit
///   HEAD named then (none in a repository without commits);
/// - `calls/<tool call id>`: a commit whose tree is the working tree just after that shell
///   call, and whose parent is HEAD's commit then.
///
/// The refs hold commits rather than bare trees so that `git log` and `git show` read them,
/// and so that `git gc` keeps their trees.
public struct RecordedSession: Sendable, Equatable {
    /// Where every session's refs live.
    public static let prefix = "refs/agentreplay/sessions/"

    public var sessionID: String
    /// The session's start, when the start hook ran.
    public var start: Start?
    /// The working tree after each recorded shell call, by the call's id.
    public var calls: [String: ObjectID]

    public struct Start: Sendable, Equatable {
        /// HEAD's commit at the start; nil in a repository without commits.
        public var head: ObjectID?
        /// The working tree at the start.
        public var tree: ObjectID

        public init(head: ObjectID?, tree: ObjectID) {
            self.head = head
            self.tree = tree
        }
    }

    public init(sessionID: String, start: Start?, calls: [String: ObjectID]) {
        self.sessionID = sessionID
        self.start = start
        self.calls = calls
    }

    public static func startReference(session: String) -> String { prefix + session + "/start" }

    public static func callReference(session: String, call: String) -> String { prefix + session + "/calls/" + call }

    /// Whether `name` (a session id or a tool call id) can be one component of a ref name:
    /// letters, digits, `.`, `_` and `-`, not starting with a dot or ending in `.lock`, at
    /// most 200 characters.
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 200, !name.hasPrefix("."), !name.hasSuffix(".lock"), !name.contains("..") else { return false }
        return name.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
    }

    /// The recording of the session whose trace id is `traceID` (`Trace.Header.traceID(session:)`
    /// of the session id the hooks were given), or nil when the repository holds none.
    public static func find(traceID: String, in repository: Repository) throws -> RecordedSession? {
        var found: RecordedSession?
        for (name, id) in try repository.references(withPrefix: prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let slash = rest.firstIndex(of: "/") else { continue }
            let session = String(rest[..<slash])
            guard Trace.Header.traceID(session: session) == traceID else { continue }
            if found == nil { found = RecordedSession(sessionID: session, start: nil, calls: [:]) }
            guard found?.sessionID == session else { continue }
            let kind = rest[rest.index(after: slash)...]
            guard let tree = try? repository.tree(ofCommit: id) else { continue }
            if kind == "start" {
                found?.start = Start(head: try repository.commitParents(id).first, tree: tree)
            } else if kind.hasPrefix("calls/") {
                found?.calls[String(kind.dropFirst("calls/".count))] = tree
            }
        }
        return found
    }
}
