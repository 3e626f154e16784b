import Trace

/// Reads agentreplay's own NDJSON (`docs/trace-format.md`), streamed from the file when opened
/// (memory holds one span at a time). A trace written before the canonical shell-call
/// attributes gets them as it is read (`ShellCalls`), so older traces read as before.
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
        let next = { () throws(TraceError) -> Span? in try reader.next().map(ShellCalls.canonical) }
        return TraceSource(header: header, next: next, native: {
            { sink in
                let again = try TraceReader(path: path)
                again.recoversBadSpans = true
                try TraceSource.stream(header, next: again.next, to: sink)
            }
        }, position: { reader.position })
    }
}
