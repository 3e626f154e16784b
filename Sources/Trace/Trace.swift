/// Glossary of the trace model.
///
/// - **Trace**: one recorded agent session: a `Header` and its spans in recorded order.
/// - **Span**: one step (model call, tool call, user message, sub-agent, event).
/// - **Effect**: a file change a recorder captured for a span.
/// - **Native format**: NDJSON, the header on line 1 and one span per line (`docs/trace-format.md`).
public struct Trace: Sendable, Equatable {
    public var header: Header
    public var spans: [Span]

    public init(header: Header, spans: [Span]) {
        self.header = header
        self.spans = spans
    }

    /// The session header: who recorded it, where, and on which base.
    public struct Header: Sendable, Equatable {
        /// The native format's version this header was written in.
        public static let currentVersion: Int64 = 1

        public var version: Int64
        /// 32 lower-case hex digits (OpenTelemetry trace id).
        public var traceID: String
        /// The agent that recorded the session.
        public var agent: Agent
        /// The agent's name as the trace writes it.
        public var agentName: String {
            get { agent.name }
            set { agent = Agent(newValue) }
        }
        public var agentVersion: String?
        /// The repository root as an absolute path at record time (`/testbed`, …); recorded
        /// absolute paths below it map into the repository.
        public var repoRoot: String?
        /// The commit the session started on, when the recorder knew it.
        public var baseCommit: String?
        /// The tree the session started on, when it started on a dirty working tree.
        public var baseTree: String?
        /// The branch the session worked on, as its log names it (Claude Code's `gitBranch`,
        /// Codex's `git.branch`): where a base is looked for when the log names no commit.
        public var branch: String?
        /// The format the trace was imported from (`native`, `claude-code`, …).
        public var sourceFormat: String
        /// The source log's file name (no directories: output must not depend on where it lies).
        public var sourceFile: String?

        public init(
            version: Int64 = Header.currentVersion, traceID: String, agent: Agent, agentVersion: String? = nil,
            repoRoot: String? = nil, baseCommit: String? = nil, baseTree: String? = nil, branch: String? = nil,
            sourceFormat: String = "native", sourceFile: String? = nil
        ) {
            self.version = version
            self.traceID = traceID
            self.agent = agent
            self.agentVersion = agentVersion
            self.repoRoot = repoRoot
            self.baseCommit = baseCommit
            self.baseTree = baseTree
            self.branch = branch
            self.sourceFormat = sourceFormat
            self.sourceFile = sourceFile
        }

        /// A header naming its agent as a string (a test's, a reader's).
        public init(
            version: Int64 = Header.currentVersion, traceID: String, agentName: String, agentVersion: String? = nil,
            repoRoot: String? = nil, baseCommit: String? = nil, baseTree: String? = nil, branch: String? = nil,
            sourceFormat: String = "native", sourceFile: String? = nil
        ) {
            self.init(
                version: version, traceID: traceID, agent: Agent(agentName), agentVersion: agentVersion, repoRoot: repoRoot,
                baseCommit: baseCommit, baseTree: baseTree, branch: branch, sourceFormat: sourceFormat, sourceFile: sourceFile)
        }
    }
}
