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

    /// The format of `path`, or an error saying it is none this build reads.
    public static func detect(path: String, displayName: String? = nil) throws(TraceError) -> SourceFormat {
        if let detected = try SourceFormat.detect(path: path) { return detected }
        let name = displayName ?? path
        if try LineReader(path: path).next() == nil {
            throw TraceError(file: name, line: 0, message: "empty file: no session recorded in it")
        }
        throw TraceError(
            file: name, line: 1,
            message: "cannot tell which agent wrote this file (formats read: \(SourceFormat.allCases.map(\.rawValue).joined(separator: ", "))); name one with --from")
    }

    /// Reads `path` as `format` (detected when nil) and returns the trace.
    public static func load(path: String, format: SourceFormat? = nil, options: Options = Options(), displayName: String? = nil) throws(TraceError) -> Trace {
        let name = displayName ?? path
        let resolved: SourceFormat
        if let format { resolved = format } else { resolved = try detect(path: path, displayName: name) }
        var trace: Trace
        switch resolved {
        case .native:
            trace = try TraceReader.read(path: path, displayName: name)
        case .claudeCode:
            trace = try ClaudeCodeImporter(path: path, displayName: name, options: options).run()
        case .codex:
            trace = try CodexImporter(path: path, displayName: name, options: options).run()
        case .sweAgent:
            trace = try SWEAgentImporter(path: path, displayName: name, options: options).run()
        case .openHands:
            trace = try OpenHandsImporter(path: path, displayName: name, options: options).run()
        case .gemini:
            trace = try GeminiImporter(path: path, displayName: name, options: options).run()
        case .agentStrace:
            trace = try AgentStraceImporter(path: path, displayName: name, options: options).run()
        case .otlp:
            trace = try OTLPImporter(path: path, displayName: name, options: options).run()
        case .openCode:
            trace = try OpenCodeImporter(path: path, displayName: name, options: options).run()
        }
        if resolved == .native, let root = options.recordedRoot { trace.header.repoRoot = root }
        return trace
    }
}

/// A trace to replay: its header, and its spans one at a time. Native traces are streamed
/// from the file (memory holds one span at a time); a Claude Code log is imported on a thread
/// of its own while the caller takes its spans (`ClaudeCodeStream`, `SpanPipe`); other formats
/// are imported whole first.
public final class TraceSource {
    /// Hands the trace's native bytes to `sink` in pieces of about a megabyte.
    public typealias NativeProducer = (_ sink: ([UInt8]) throws -> Void) throws -> Void

    public let header: Trace.Header
    private let nextSpan: () throws(TraceError) -> Span?
    private let nativeProducer: () -> NativeProducer
    private let stop: () -> Void
    /// How far `next` has got, for a progress bar: bytes of a streamed native trace or of a
    /// Claude Code log, spans of another imported log (total 0 when unknown).
    public let position: () -> (done: Int, total: Int)

    init(header: Trace.Header, next: @escaping () throws(TraceError) -> Span?, native: @escaping () -> NativeProducer,
         position: @escaping () -> (done: Int, total: Int), stop: @escaping () -> Void = {}) {
        self.header = header
        self.nextSpan = next
        self.nativeProducer = native
        self.position = position
        self.stop = stop
    }

    deinit { stop() }

    public func next() throws(TraceError) -> Span? { try nextSpan() }

    /// The same trace in the native format, for a reader on another thread (a run's
    /// `TraceStore`): a native trace is read again span by span, so memory does not grow with
    /// the file; an imported log's spans are written as they are made. Ask before the first
    /// `next()`, once.
    public func native() -> NativeProducer { nativeProducer() }

    /// Stops the reading for good: a caller that gives up before the last span calls it, so
    /// that a thread reading the log, and a `native()` reader waiting for it, end.
    public func cancel() { stop() }

    /// Opens `path`. With `recoversBadSpans` (the default, for replay), a native span line
    /// that cannot be read becomes an `invalid record` span; without it, it is an error.
    public static func open(
        path: String, format: SourceFormat? = nil, options: Importer.Options = Importer.Options(), recoversBadSpans: Bool = true
    ) throws(TraceError) -> TraceSource {
        let resolved: SourceFormat
        if let format { resolved = format } else { resolved = try Importer.detect(path: path) }
        switch resolved {
        case .native:
            let reader = try TraceReader(path: path)
            reader.recoversBadSpans = recoversBadSpans
            var header = reader.header
            if let root = options.recordedRoot { header.repoRoot = root }
            return TraceSource(header: header, next: reader.next, native: {
                { sink in
                    let again = try TraceReader(path: path)
                    again.recoversBadSpans = true
                    try stream(header, next: again.next, to: sink)
                }
            }, position: { reader.position })
        case .claudeCode:
            let stream = try ClaudeCodeImporter(path: path, options: options).stream()
            let header = try stream.header()
            let pipe = SpanPipe(header: header, produce: stream.next, measure: { stream.position })
            return TraceSource(header: header, next: pipe.next, native: pipe.native, position: { pipe.position }, stop: pipe.cancel)
        default:
            let trace = try Importer.load(path: path, format: resolved, options: options)
            var spans = trace.spans.makeIterator()
            var done = 0
            return TraceSource(
                header: trace.header, next: { () -> Span? in
                    guard let span = spans.next() else { return nil }
                    done += 1
                    return span
                }, native: {
                    { sink in
                        var again = trace.spans.makeIterator()
                        try stream(trace.header, next: { again.next() }, to: sink)
                    }
                }, position: { (done, trace.spans.count) })
        }
    }

    /// Hands `header` and the spans `next` gives, in the native format, to `sink` in pieces
    /// of about a megabyte.
    private static func stream(_ header: Trace.Header, next: () throws -> Span?, to sink: ([UInt8]) throws -> Void) throws {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20 + 1 << 16)
        TraceWriter.append(header, to: &out)
        while let span = try next() {
            TraceWriter.append(span, to: &out)
            if out.count >= 1 << 20 {
                try sink(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        try sink(out)
    }
}
