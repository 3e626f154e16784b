import Git
import Trace

/// Where a replay starts: a commit (nil in an empty repository) and the tree of the session's
/// start, which differs from the commit's tree when the session began on a dirty working tree.
public struct Base: Sendable, Equatable {
    public var commit: ObjectID?
    public var tree: ObjectID

    public init(commit: ObjectID?, tree: ObjectID) {
        self.commit = commit
        self.tree = tree
    }

    /// Resolves the base of a run: the trace header's base commit (and base tree) when it
    /// names one, else `revision` (`--base`), else HEAD, else the empty tree.
    public static func resolve(header: Trace.Header, revision: String?, in repository: Repository) throws -> Base {
        var commit: ObjectID?
        if let recorded = header.baseCommit {
            guard let id = ObjectID(hex: recorded), (try? repository.tree(ofCommit: id)) != nil else {
                throw ReplayError.baseNotFound("the trace's base commit \(recorded) is not in the repository (fetch it first)")
            }
            if let revision {
                let given = try repository.resolveCommit(revision)
                if given != id {
                    throw ReplayError.baseNotFound("--base \(revision) is \(given.hex), but the trace records base commit \(recorded)")
                }
            }
            commit = id
        } else if let revision {
            commit = try repository.resolveCommit(revision)
        } else {
            commit = try repository.head()
        }
        var tree = try commit.map { try repository.tree(ofCommit: $0) } ?? ObjectID.emptyTree
        if let recordedTree = header.baseTree {
            guard let id = ObjectID(hex: recordedTree), (try? repository.entries(of: id)) != nil else {
                throw ReplayError.baseNotFound("the trace's base tree \(recordedTree) is not in the repository")
            }
            tree = id
        }
        return Base(commit: commit, tree: tree)
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
