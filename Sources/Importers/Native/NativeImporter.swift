import Trace

/// Reads agentreplay's own NDJSON (`docs/trace-format.md`), streamed from the file when opened
/// (memory holds one span at a time). What an earlier agentreplay wrote in another form is
/// brought to today's by the reader itself (`TraceReader`, `NativeUpgrade`).
public struct NativeImporter: LogImporter {
    public static let format = SourceFormat.native
    public let source: Importer.Source
    public init(source: Importer.Source) { self.source = source }

    public func read() throws(TraceError) -> Trace {
        var trace = try TraceReader.read(path: path, displayName: displayName)
        if let root = options.recordedRoot { trace.header.repoRoot = root }
        return trace
    }

    public func open(recoversBadSpans: Bool) throws(TraceError) -> TraceSource {
        let reader = try TraceReader(path: path, displayName: displayName)
        reader.recoversBadSpans = recoversBadSpans
        var header = reader.header
        if let root = options.recordedRoot { header.repoRoot = root }
        let path = self.path
        let next = { () throws(TraceError) -> Span? in try reader.next() }
        return TraceSource(
            header: header, next: next,
            native: {
                { sink in
                    let again = try TraceReader(path: path)
                    again.recoversBadSpans = true
                    // Upgraded as the spans replayed were: the stored trace is those spans.
                    try TraceSource.stream(header, next: { try again.next() }, to: sink)
                }
            }, position: { reader.position })
    }
}
