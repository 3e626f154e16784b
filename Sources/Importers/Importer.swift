import Trace

/// Glossary of the importers.
///
/// - **Importer**: turns one session-log format into a `Trace`, keeping the source's own ids
///   (`agentreplay.source.id`, `agentreplay.source.line`) on every span it makes. Each is a
///   `LogImporter`, in a folder of its own with what only it reads (`ClaudeCode/`, `Codex/`, …),
///   and listed once in `Importer.all`.
/// - **Recorded root**: the absolute directory the agent worked in; recorded absolute paths
///   below it map into the repository.
public enum Importer {
    public struct Options: Sendable {
        /// Overrides the repo root the log implies (Claude Code's first `cwd`, …).
        public var recordedRoot: String?
        /// Claude Code only: read the session file from this line on, as if the lines before
        /// it were not there (the index's reading of a log that grew). Sub-agent files are
        /// not read then.
        public var start: LineReader.Start?
        /// The caller of `open` reads the log again whole when a span it was handed turns out
        /// to change later (`TraceError.readAgainWhole`): a format that can stream only on that
        /// condition (Codex: `CodexStream`) streams then.
        public var readsAgainWhole: Bool
        public init(recordedRoot: String? = nil, start: LineReader.Start? = nil, readsAgainWhole: Bool = false) {
            self.recordedRoot = recordedRoot
            self.start = start
            self.readsAgainWhole = readsAgainWhole
        }
    }

    /// The file an importer reads: where it is, the name errors give it, and the options.
    public struct Source: Sendable {
        public var path: String
        /// The name errors and the trace's `source_file` give the file (its path by default).
        public var displayName: String
        public var options: Options

        public init(path: String, displayName: String? = nil, options: Options = Options()) {
            self.path = path
            self.displayName = displayName ?? path
            self.options = options
        }
    }

    /// Every format this build reads, with its importer: the one list a new format joins
    /// (its detection is in `SourceFormat.detect`).
    public static let all: [any LogImporter.Type] = [
        NativeImporter.self, ClaudeCodeImporter.self, CodexImporter.self, SWEAgentImporter.self, OpenHandsImporter.self,
        GeminiImporter.self, AgentStraceImporter.self, OTLPImporter.self, OpenCodeImporter.self,
    ]

    /// The importer of `format` (`all` lists one for each; `ImporterTableTests` checks it).
    public static func importer(for format: SourceFormat) -> any LogImporter.Type {
        guard let found = all.first(where: { $0.format == format }) else { preconditionFailure("no importer for \(format)") }
        return found
    }

    /// The format of `path`, or an error saying it is none this build reads.
    public static func detect(path: String, displayName: String? = nil) throws(TraceError) -> SourceFormat {
        if let detected = try SourceFormat.detect(path: path) { return detected }
        let name = displayName ?? path
        if try LineReader(path: path).next() == nil {
            throw TraceError(file: name, line: 0, message: "empty file: no session recorded in it")
        }
        throw TraceError(
            file: name, line: 1,
            message:
                "cannot tell which agent wrote this file (formats read: \(SourceFormat.allCases.map(\.rawValue).joined(separator: ", "))); name one with --from"
        )
    }

    /// Reads `path` as `format` (detected when nil) and returns the trace.
    public static func load(path: String, format: SourceFormat? = nil, options: Options = Options(), displayName: String? = nil) throws(TraceError)
        -> Trace
    {
        let source = Source(path: path, displayName: displayName, options: options)
        let resolved: SourceFormat
        if let format { resolved = format } else { resolved = try detect(path: path, displayName: source.displayName) }
        return try importer(for: resolved).init(source: source).run()
    }
}

/// One session-log format's importer. What every importer holds is its `source`; what it adds
/// is how its format reads (`read`). What the agents record differently is made one at import:
/// `run` and `open` hand out shell calls in their canonical form (`ShellCalls`), so nothing
/// downstream reads an agent's own shapes.
public protocol LogImporter: Sendable {
    /// The format this importer reads.
    static var format: SourceFormat { get }
    var source: Importer.Source { get }
    init(source: Importer.Source)
    /// The whole log as a trace, as the format records it (`run` adds the canonical forms).
    func read() throws(TraceError) -> Trace
    /// The log as spans one at a time. By default it is imported whole first (`run`), then
    /// handed out; a format that can stream says how. `recoversBadSpans` matters only to
    /// the native format.
    func open(recoversBadSpans: Bool) throws(TraceError) -> TraceSource
}

extension LogImporter {
    public init(path: String, displayName: String? = nil, options: Importer.Options = Importer.Options()) {
        self.init(source: Importer.Source(path: path, displayName: displayName, options: options))
    }

    var path: String { source.path }
    var displayName: String { source.displayName }
    var options: Importer.Options { source.options }

    /// The whole log as a trace, each shell call in its canonical form (`ShellCalls`).
    public func run() throws(TraceError) -> Trace {
        var trace = try read()
        ShellCalls.canonical(&trace)
        return trace
    }

    public func open(recoversBadSpans: Bool) throws(TraceError) -> TraceSource { TraceSource(whole: try run()) }

    /// The header of the trace this importer makes: the source format and file name are its
    /// own; the repo root is `--recorded-root` when given, else `root` (what the log implies).
    func header(
        traceID: String, agent: Agent, version: String? = nil, root: String?, baseCommit: String? = nil, branch: String? = nil
    ) -> Trace.Header {
        Trace.Header(
            traceID: traceID, agent: agent, agentVersion: version, repoRoot: options.recordedRoot ?? root,
            baseCommit: baseCommit, branch: branch, sourceFormat: Self.format.rawValue,
            sourceFile: displayName.split(separator: "/").last.map(String.init))
    }
}
