/// Streams a native trace: the header first, then one span at a time, so memory holds only
/// the spans the caller keeps. Checks what a stream can check on the way: span ids unique,
/// parents already seen, tool call ids unique.
public final class TraceReader {
    public let header: Trace.Header
    public let path: String
    private let lines: LineReader
    private var seenSpans = Set<Span.ID>()
    private var seenCalls = Set<String>()

    /// Opens `path` and reads its header line. `displayName` is used in error messages.
    public init(path: String, displayName: String? = nil) throws(TraceError) {
        let name = displayName ?? path
        self.path = name
        self.lines = try LineReader(path: path)
        guard let first = try lines.next() else {
            throw TraceError(file: name, line: 0, message: "empty file: a trace starts with a session header line")
        }
        let value = try TraceReader.parse(first, file: name, line: 1)
        self.header = try NativeFormat.decodeHeader(value, file: name, line: 1)
    }

    /// The next span, or nil at the end of the trace. Blank lines are skipped.
    public func next() throws(TraceError) -> Span? {
        while let bytes = try lines.next() {
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let line = lines.lineNumber
            let value: JSON
            do {
                value = try TraceReader.parse(bytes, file: path, line: line)
            } catch {
                if lines.lastLineUnterminated {
                    throw TraceError(file: path, line: line, message: "truncated last line (the recording stopped mid-write?): \(error.message)")
                }
                throw error
            }
            let span = try NativeFormat.decodeSpan(value, file: path, line: line)
            guard seenSpans.insert(span.id).inserted else {
                throw TraceError(file: path, line: line, field: "span_id", message: "duplicate span id \(span.id)")
            }
            if let parent = span.parentID, !seenSpans.contains(parent) {
                throw TraceError(file: path, line: line, field: "parent_span_id", message: "parent \(parent) does not appear before this span")
            }
            if span.kind == .tool {
                guard let call = span.toolCallID, !call.isEmpty else {
                    throw TraceError(file: path, line: line, field: "attributes.\(GenAI.toolCallID)", message: "missing on a tool span")
                }
                guard seenCalls.insert(call).inserted else {
                    throw TraceError(file: path, line: line, field: "attributes.\(GenAI.toolCallID)", message: "duplicate tool call id \(call)")
                }
            }
            return span
        }
        return nil
    }

    /// Reads the whole trace.
    public static func read(path: String, displayName: String? = nil) throws(TraceError) -> Trace {
        let reader = try TraceReader(path: path, displayName: displayName)
        var spans: [Span] = []
        while let span = try reader.next() { spans.append(span) }
        return Trace(header: reader.header, spans: spans)
    }

    /// Parses one line as JSON, turning parser errors into `TraceError`s with a column.
    public static func parse(_ bytes: ArraySlice<UInt8>, file: String, line: Int) throws(TraceError) -> JSON {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw TraceError(file: file, line: line, message: "invalid JSON: \(error.reason) at column \(error.offset + 1)")
        }
    }
}
