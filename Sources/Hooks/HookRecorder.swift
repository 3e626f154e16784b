import Git
import Replay
import Trace

/// What a recording hook writes, as git objects and refs of the repository holding the
/// hook's `cwd` (`RecordedSession` reads them back):
///
/// - at the session's start, `refs/agentreplay/sessions/<session id>/start`: a commit of the
///   working tree (tracked files as on disk, untracked files git does not ignore) on HEAD's
///   commit; kept when it exists already (a resumed or compacted session keeps its start);
/// - after a shell call, `refs/agentreplay/sessions/<session id>/calls/<tool call id>`: a
///   commit of the working tree then, on HEAD's commit then.
///
/// The tree comes from a private index, `.git/agentreplay/worktree.index`
/// (`Repository.workTreeTree`): the repository's index, HEAD, working tree and branches are
/// never touched. The objects a call writes are held in memory (`Repository.open` with
/// `objectsInMemory`) and reach the disk before the ref: as one pack when they are more than
/// `looseObjectLimit`, else as loose objects. Commits carry no clock: author and committer are `agentreplay hooks` at
/// time 0, so the same state gives the same commit.
public enum HookRecorder {
    /// What a hook recorded: the ref it wrote (nil when there was nothing to write) and the
    /// working tree's id.
    public struct Recorded: Sendable, Equatable {
        public var reference: String
        public var tree: ObjectID
        /// false when the ref existed already and was kept.
        public var created: Bool
    }

    /// Something the hook could not record, said in the hooks' log.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The most new objects one call writes as loose objects; more go to disk as one pack.
    public static let looseObjectLimit = 16

    /// The private index, relative to the git directory.
    public static let indexName = "agentreplay/worktree.index"

    /// Records `event` for `input`. Returns nil when there is nothing to record: `cwd` is in
    /// no repository (or a bare one), the tool is not one of `agent`'s shell tools, or the
    /// session's start is recorded already.
    public static func record(_ event: HookAgent.Event, agent: HookAgent, input: HookInput) throws -> Recorded? {
        guard RecordedSession.isValidName(input.sessionID) else {
            throw Failure(
                message: "session_id \("\"" + VisibleText.escape(input.sessionID) + "\"") cannot name a ref (letters, digits, '.', '_', '-' only)")
        }
        let reference: String
        let message: String
        switch event {
        case .sessionStart:
            reference = RecordedSession.startReference(session: input.sessionID)
            message = "Session start: the working tree\n\nAgentreplay-Agent: \(agent.rawValue)\nAgentreplay-Session: \(input.sessionID)\n"
        case .postTool:
            guard let tool = input.toolName, agent.shellTools.contains(tool) else { return nil }
            guard let call = input.toolUseID else { throw Failure(message: "tool_use_id: missing for \(tool)") }
            guard RecordedSession.isValidName(call) else {
                throw Failure(
                    message: "tool_use_id \("\"" + VisibleText.escape(call) + "\"") cannot name a ref (letters, digits, '.', '_', '-' only)")
            }
            reference = RecordedSession.callReference(session: input.sessionID, call: call)
            message =
                "After \(tool) \(call): the working tree\n\nAgentreplay-Agent: \(agent.rawValue)\nAgentreplay-Session: \(input.sessionID)\nAgentreplay-Tool-Call: \(call)\n"
        }
        let repository: Repository
        do {
            repository = try Repository.open(input.cwd, objectsInMemory: true)
        } catch let error as GitError where error.isNotFound {
            return nil
        }
        guard !repository.isBare else { return nil }
        if let existing = try repository.reference(reference) {
            return Recorded(reference: reference, tree: try repository.tree(ofCommit: existing), created: false)
        }
        let tree = try repository.workTreeTree(privateIndex: repository.gitDirectory + "/" + indexName)
        let head = try repository.head()
        let signature = Signature(name: "agentreplay hooks", email: "hooks@agentreplay.invalid", time: 0)
        let commit = try repository.createCommit(
            tree: tree, parents: head.map { [$0] } ?? [], author: signature, committer: signature, message: message)
        // The new objects go to disk before a ref names them: as one pack when there are many
        // (a shell call that changed files), since each loose object is a file of its own to
        // create; the few of a clean tree's call (its commit) as loose objects.
        try repository.persistObjects(looseUpTo: looseObjectLimit)
        let created = try repository.createReferenceIfAbsent(reference, to: commit, message: "agentreplay hooks: \(event.rawValue)")
        return Recorded(reference: reference, tree: tree, created: created)
    }
}
