/// Streams a native trace: the header first, then one span at a time, so memory holds only
/// the spans the caller keeps. Checks what a stream can check on the way: span ids unique,
/// parents already seen, tool call ids unique. What an earlier agentreplay wrote in another
/// form is brought to today's as each span is read (`NativeUpgrade`): every reader, of a file
/// or of a trace stored in a repository (`read(bytes:name:)`), gets the canonical forms.
public final class TraceReader {
    public let header: Trace.Header
    public let path: String
    private let lines: LineReader
    private var seenSpans = Set<Span.ID>()
    private var seenCalls = Set<String>()
    private var decoder = SpanLineDecoder()
    /// The ids of the last spans accepted, which later spans most often name as parent: found
    /// here, a parent needs no hashing to be known as seen.
    private var recentSpans: [Span.ID] = []
    /// When set, a span line that cannot be read becomes an `event` span named
    /// `invalid record` with status `error`, its message as output, instead of an error that
    /// ends the reading: one bad span fails that span only. The header must still be valid.
    public var recoversBadSpans = false

    /// Opens `path` and reads its header line. `displayName` is used in error messages.
    public init(path: String, displayName: String? = nil) throws(TraceError) {
        let name = displayName ?? path
        self.path = name
        self.lines = try LineReader(path: path)
        var first = try lines.next()
        while let line = first, TraceReader.isBlank(line) { first = try lines.next() }
        guard let first else {
            throw TraceError(file: name, line: 0, message: "empty file: a trace starts with a session header line")
        }
        let value = try TraceReader.parse(first, file: name, line: lines.lineNumber)
        self.header = try NativeFormat.decodeHeader(value, file: name, line: lines.lineNumber)
        // Room for a span per kilobyte of the file (half of them tool calls), so the sets are
        // not rehashed as they grow; a file of shorter lines grows them as it goes.
        let expected = min(lines.size / 1024, 1 << 22)
        seenSpans.reserveCapacity(expected)
        seenCalls.reserveCapacity(expected / 2)
    }

    /// How far the reading has got: bytes read of the file's size (0 when unknown).
    public var position: (done: Int, total: Int) { (lines.offset, lines.size) }

    /// The next span, or nil at the end of the trace. Blank lines are skipped.
    public func next() throws(TraceError) -> Span? {
        do {
            return try nextStrict().map { NativeUpgrade.span($0, agent: header.agent) }
        } catch  where recoversBadSpans && error.line > 0 && error.line == lines.lineNumber {
            return TraceReader.invalidRecord(error)
        }
    }

    /// The span that stands for a line that could not be read.
    public static func invalidRecord(_ error: TraceError) -> Span {
        Span(
            id: Span.ID("agentreplay-invalid-line-\(error.line)"), kind: .event, name: "invalid record",
            status: .error, attributes: Attributes([(GenAI.sourceLine, .number(error.line))]),
            output: .string(error.description))
    }

    private func nextStrict() throws(TraceError) -> Span? {
        while let bytes = try lines.next() {
            if TraceReader.isBlank(bytes) { continue }
            let line = lines.lineNumber
            // The common road first; any line it does not take is read the reference way,
            // which gives the span or the message (see `SpanLineDecoder`).
            let span: Span
            if let quick = bytes.withUnsafeBufferPointer({ decoder.decode($0) }) {
                span = quick
            } else {
                let value: JSON
                do {
                    value = try TraceReader.parse(bytes, file: path, line: line)
                } catch {
                    if lines.lastLineUnterminated {
                        throw TraceError(file: path, line: line, message: "truncated last line (the recording stopped mid-write?): \(error.message)")
                    }
                    throw error
                }
                span = try NativeFormat.decodeSpan(value, file: path, line: line)
            }
            // A refused span leaves no trace, so a later child of it is refused too: its id is
            // taken back out when a later check fails. (Inserting first hashes each id once.)
            guard seenSpans.insert(span.id).inserted else {
                throw TraceError(file: path, line: line, field: "span_id", message: "duplicate span id \(span.id)")
            }
            do throws(TraceError) {
                if let parent = span.parentID, parent == span.id || !(recentSpans.lastIndex(of: parent) != nil || seenSpans.contains(parent)) {
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
            } catch {
                seenSpans.remove(span.id)
                throw error
            }
            if recentSpans.count == 4 { recentSpans.removeFirst() }
            recentSpans.append(span.id)
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

    /// A whole native trace held in memory (a trace stored in a repository), read line by line
    /// as a file is, each span brought to today's form (`NativeUpgrade`). Laxer than a file's
    /// reading: the spans are not checked against each other, for what is stored was checked
    /// when it was replayed.
    public static func read(bytes: [UInt8], name: String) throws(TraceError) -> Trace {
        var header: Trace.Header?
        var spans: [Span] = []
        var line = 0
        for slice in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            line += 1
            if isBlank(slice) { continue }
            let value = try parse(slice, file: name, line: line)
            if let header {
                spans.append(NativeUpgrade.span(try NativeFormat.decodeSpan(value, file: name, line: line), agent: header.agent))
            } else {
                header = try NativeFormat.decodeHeader(value, file: name, line: line)
            }
        }
        guard let header else { throw TraceError(file: name, line: 0, message: "empty: no trace header") }
        return Trace(header: header, spans: spans)
    }

    static func isBlank(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
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
