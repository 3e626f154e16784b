import Trace

/// Glossary of the importers.
///
/// - **Importer**: turns one session-log format into a `Trace`, keeping the source's own ids
///   (`agentreplay.source.id`, `agentreplay.source.line`) on every span it makes.
/// - **Recorded root**: the absolute directory the agent worked in; recorded absolute paths
///   below it map into the repository.
public enum Importer {
    public struct Options: Sendable {
        /// Overrides the repo root the log implies (Claude Code's first `cwd`, …).
        public var recordedRoot: String?
        public init(recordedRoot: String? = nil) { self.recordedRoot = recordedRoot }
    }

    /// Reads `path` as `format` (detected when nil) and returns the trace.
    public static func load(path: String, format: SourceFormat? = nil, options: Options = Options(), displayName: String? = nil) throws(TraceError) -> Trace {
        let name = displayName ?? path
        let resolved: SourceFormat
        if let format {
            resolved = format
        } else if let detected = try SourceFormat.detect(path: path) {
            resolved = detected
        } else {
            throw TraceError(
                file: name, line: 0,
                message: "cannot tell which agent wrote this file (formats read: \(SourceFormat.allCases.map(\.rawValue).joined(separator: ", "))); name one with --from")
        }
        var trace: Trace
        switch resolved {
        case .native:
            trace = try TraceReader.read(path: path, displayName: name)
        case .claudeCode:
            trace = try ClaudeCodeImporter(path: path, displayName: name, options: options).run()
        }
        if resolved == .native, let root = options.recordedRoot { trace.header.repoRoot = root }
        return trace
    }
}
