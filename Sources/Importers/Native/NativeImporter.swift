import Trace

/// Reads agentreplay's own NDJSON (`docs/trace-format.md`): nothing to convert, and streamed
/// from the file when opened (memory holds one span at a time).
public struct NativeImporter: LogImporter {
    public static let format = SourceFormat.native
    public let source: Importer.Source
    public init(source: Importer.Source) { self.source = source }

    public func run() throws(TraceError) -> Trace {
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
        return TraceSource(header: header, next: reader.next, native: {
            { sink in
                let again = try TraceReader(path: path)
                again.recoversBadSpans = true
                try TraceSource.stream(header, next: again.next, to: sink)
            }
        }, position: { reader.position })
    }
}
