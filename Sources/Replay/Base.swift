import Git
import Trace

/// Where a replay starts: a commit (nil in an empty repository) and the tree of the session's
/// start, which differs from the commit's tree when the session began on a dirty working tree.
public struct Base: Sendable, Equatable {
    public var commit: ObjectID?
    public var tree: ObjectID
    /// How the commit was chosen, and what a person should know about it.
    public var choice: Choice = .head
    /// What agentreplay's hooks recorded of the session, when they ran for it: its start
    /// (the base, unless the trace names one or `--base` is given) and the working tree after
    /// each shell call (that call's effect, `Replayer`).
    public var recorded: RecordedSession?
    /// The search by agreement, when one was made (`BaseAgreement`): with `choice`
    /// `.agreement` it found the commit; else none agreed and the choice stands.
    public var search: Search?

    /// What the search for a base by agreement did.
    public struct Search: Sendable, Equatable {
        /// Files whose first sight the candidates were compared with.
        public var sights: Int
        /// Commits compared.
        public var examined: Int
        /// Where the walk began: `refs/heads/<branch>`, `refs/remotes/<remote>/<branch>`, `HEAD`.
        public var tips: [String]
        /// The branch the log names, if any.
        public var branch: String?
        /// Whether a commit agreed.
        public var agreed: Bool

        public init(sights: Int, examined: Int, tips: [String], branch: String?, agreed: Bool) {
            self.sights = sights
            self.examined = examined
            self.tips = tips
            self.branch = branch
            self.agreed = agreed
        }
    }

    /// How a base commit was chosen.
    public enum Choice: Sendable, Equatable {
        /// The trace's recorded base commit.
        case recorded
        /// `--base`.
        case option
        /// HEAD, the session's start being unknown or before every commit on its line.
        case head
        /// The newest commit on HEAD's first-parent line at or before the session's start:
        /// HEAD itself is later (it may hold the session's own edits, committed after it).
        /// `examined` commits were looked at.
        case sessionStart(examined: Int)
        /// The commit and working tree agentreplay's hooks recorded at the session's start.
        case hooks
        /// The newest commit at or before the session's start, on the log's branch, whose
        /// files agree with what the session first saw of each file (`search` says more).
        case agreement
        /// The trace's recorded base commit is not in the repository: `fallback` says what
        /// was used instead.
        indirect case recordedMissing(String, fallback: Choice)
    }

    public init(commit: ObjectID?, tree: ObjectID, choice: Choice = .head, recorded: RecordedSession? = nil) {
        self.commit = commit
        self.tree = tree
        self.choice = choice
        self.recorded = recorded
    }

    /// How many first-parent commits the search for the session's start looks at, at most.
    public static let searchLimit = 10_000

    /// Resolves the base of a run: the trace header's base commit (and base tree) when it
    /// names one and the repository has it; else `revision` (`--base`); else the start the
    /// hooks recorded (`RecordedSession`); else, when the session's
    /// start (`sessionStart`, in seconds) is known, the newest commit on HEAD's first-parent
    /// line at or before it; else HEAD; else the empty tree.
    public static func resolve(header: Trace.Header, revision: String?, sessionStart: Int64? = nil, in repository: Repository) throws -> Base {
        var commit: ObjectID?
        var choice = Choice.head
        var recordedFound = false
        let session = try RecordedSession.find(traceID: header.traceID, in: repository)
        if let recorded = header.baseCommit, let id = ObjectID(hex: recorded), (try? repository.tree(ofCommit: id)) != nil {
            if let revision {
                let given = try repository.resolveCommit(revision)
                if given != id {
                    throw ReplayError.baseNotFound("--base \(revision) is \(given.hex), but the trace records base commit \(recorded)")
                }
            }
            commit = id
            recordedFound = true
            // The hooks saw the same commit, and the working tree too (the trace names no
            // base tree): theirs is the exact start.
            choice = session?.start?.head == id && header.baseTree == nil ? .hooks : .recorded
        } else if let revision {
            commit = try repository.resolveCommit(revision)
            choice = .option
        } else if let start = session?.start {
            commit = start.head
            choice = .hooks
        } else {
            (commit, choice) = try search(before: sessionStart, in: repository)
        }
        if let recorded = header.baseCommit, !recordedFound {
            choice = .recordedMissing(recorded, fallback: choice)
        }
        var tree = try commit.map { try repository.tree(ofCommit: $0) } ?? ObjectID.emptyTree
        if let start = session?.start, choice == .hooks || choice == .recordedMissing(header.baseCommit ?? "", fallback: .hooks) {
            tree = start.tree
        }
        if let recordedTree = header.baseTree {
            guard let id = ObjectID(hex: recordedTree), (try? repository.entries(of: id)) != nil else {
                throw ReplayError.baseNotFound("the trace's base tree \(recordedTree) is not in the repository")
            }
            tree = id
        }
        return Base(commit: commit, tree: tree, choice: choice, recorded: session)
    }

    /// HEAD, or, when the session's start is known and HEAD is later, the newest commit on
    /// HEAD's first-parent line whose committer time is at or before it (HEAD when none is).
    static func search(before start: Int64?, in repository: Repository) throws -> (ObjectID?, Choice) {
        guard let head = try repository.head() else { return (nil, .head) }
        guard let start else { return (head, .head) }
        var current = head
        var examined = 0
        while examined < searchLimit {
            examined += 1
            if try repository.commitCommitter(current).time <= start {
                return (current, current == head ? .head : .sessionStart(examined: examined))
            }
            guard let parent = try repository.commitParents(current).first else { break }
            current = parent
        }
        return (head, .head)
    }

    /// How the commit was chosen, for `--json`: `recorded`, `option`, `head`,
    /// `session-start`, or `recorded-missing/` and the fallback's.
    public var choiceCode: String {
        func code(_ choice: Choice) -> String {
            switch choice {
            case .recorded: return "recorded"
            case .option: return "option"
            case .head: return "head"
            case .sessionStart: return "session-start"
            case .hooks: return "hooks"
            case .agreement: return "agreement"
            case .recordedMissing(_, let fallback): return "recorded-missing/" + code(fallback)
            }
        }
        return code(choice)
    }

    /// One line for people: which commit, and why.
    public var explanation: String {
        let name = commit.map { String($0.hex.prefix(12)) } ?? "the empty tree"
        func why(_ choice: Choice) -> String {
            switch choice {
            case .recorded: return "the trace's recorded base commit"
            case .option: return "--base"
            case .head: return "HEAD"
            case .hooks: return "the commit and working tree agentreplay's hooks recorded at the session's start"
            case .sessionStart(let n):
                return "the newest commit on HEAD's first-parent line at or before the session's start (HEAD is later; \(n) examined)"
            case .agreement:
                let search = self.search ?? Search(sights: 0, examined: 0, tips: [], branch: nil, agreed: true)
                let on = search.tips == ["HEAD"] ? "HEAD's history" : (search.branch.map { "branch \($0)" } ?? "HEAD's history")
                return
                    "the newest commit on \(on) at or before the session's start whose files agree with what the session first saw of \(Self.files(search.sights)) (\(search.examined) examined)"
            case .recordedMissing(let recorded, let fallback):
                return why(fallback) + "; the trace's recorded base commit \(recorded.prefix(12)) is not in the repository"
            }
        }
        var text = "base \(name): " + why(choice)
        if let search, !search.agreed {
            text +=
                "; no commit at or before the session's start agrees with what the session first saw of \(Self.files(search.sights)) (\(search.examined) examined)"
        }
        return text
    }

    static func files(_ n: Int) -> String { n == 1 ? "1 file" : "\(n) files" }

    /// Whether the base may be chosen by agreement: the trace names no base commit the
    /// repository has, nor a base tree, nor a start the hooks recorded, and `--base` was not given.
    var searchable: Bool {
        guard commit != nil else { return false }
        func guessed(_ choice: Choice) -> Bool {
            switch choice {
            case .head, .sessionStart: return true
            case .recordedMissing(_, let fallback): return guessed(fallback)
            case .recorded, .option, .agreement, .hooks: return false
            }
        }
        return guessed(choice)
    }

    /// When the session started on a dirty tree, a commit of that tree on the base commit,
    /// so the run's first commit shows only the agent's own edits.
    /// In an empty repository, a root commit of that tree.
    func startCommit(header: Trace.Header, repository: Repository) -> ObjectID? {
        let committed = commit.map { try? repository.tree(ofCommit: $0) } ?? ObjectID.emptyTree
        guard let committed, committed != tree else { return nil }
        let signature = CommitMessage.signature(header: header, time: 0)
        return try? repository.createCommit(
            tree: tree, parents: commit.map { [$0] } ?? [], author: signature, committer: signature,
            message: "Session start: the working tree the session began on\n\nAgentreplay-Trace: \(header.traceID)\n")
    }
}

public enum ReplayError: Error, CustomStringConvertible, Sendable {
    case baseNotFound(String)
    /// The repository's agentreplay lock cannot be taken (`RepositoryLock`).
    case lock(String)

    public var description: String {
        switch self {
        case .baseNotFound(let s), .lock(let s): return s
        }
    }
}
