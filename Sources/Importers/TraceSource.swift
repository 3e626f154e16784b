import Trace

/// A trace to replay: its header, and its spans one at a time. Native traces are streamed
/// from the file (memory holds one span at a time); a Claude Code log is imported on a thread
/// of its own while the caller takes its spans (`ClaudeCodeStream`, `SpanPipe`); a Codex
/// rollout is streamed when the caller can read it again whole (`CodexStream`, for the index);
/// other formats are imported whole first.
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

    init(
        header: Trace.Header, next: @escaping () throws(TraceError) -> Span?, native: @escaping () -> NativeProducer,
        position: @escaping () -> (done: Int, total: Int), stop: @escaping () -> Void = {}
    ) {
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
        let importer = Importer.importer(for: resolved).init(source: Importer.Source(path: path, options: options))
        return try importer.open(recoversBadSpans: recoversBadSpans)
    }

    /// A trace imported whole, handed out span by span.
    public convenience init(whole trace: Trace) {
        var spans = trace.spans.makeIterator()
        var done = 0
        self.init(
            header: trace.header,
            next: { () -> Span? in
                guard let span = spans.next() else { return nil }
                done += 1
                return span
            },
            native: {
                { sink in
                    var again = trace.spans.makeIterator()
                    try TraceSource.stream(trace.header, next: { again.next() }, to: sink)
                }
            }, position: { (done, trace.spans.count) })
    }

    /// Hands `header` and the spans `next` gives, in the native format, to `sink` in pieces
    /// of about a megabyte.
    static func stream(_ header: Trace.Header, next: () throws -> Span?, to sink: ([UInt8]) throws -> Void) throws {
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
