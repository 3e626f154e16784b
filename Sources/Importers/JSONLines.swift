import Trace

/// A session log of one JSON object per line (Claude Code, Codex, Gemini's JSONL,
/// agent-strace), read a record at a time: blank lines are skipped, and a last line that is
/// not JSON and has no final newline — the recorder stopped mid-write — is told apart from a
/// bad line anywhere else, which is an error naming its file and line.
final class JSONLines {
    enum Record {
        /// A line's object, ready for typed access.
        case object(FieldDecoder)
        /// The last line, cut short: what it held is lost (`reason` is the parser's message).
        case cutShort(line: Int, reason: String)
    }

    let displayName: String
    private let lines: LineReader
    private var ended = false

    init(path: String, displayName: String) throws(TraceError) {
        self.displayName = displayName
        lines = try LineReader(path: path)
    }

    /// Bytes read, of the file's size.
    var position: (done: Int, total: Int) { (lines.offset, lines.size) }

    /// The next record, or nil at the end (after a cut-short last line too).
    func next() throws(TraceError) -> Record? {
        while !ended, let bytes = try lines.next() {
            if Self.isBlank(bytes) { continue }
            let n = lines.lineNumber
            let value: JSON
            do {
                value = try TraceReader.parse(bytes, file: displayName, line: n)
            } catch {
                guard lines.lastLineUnterminated else { throw error }
                ended = true
                return .cutShort(line: n, reason: error.message)
            }
            return .object(try FieldDecoder(value, file: displayName, line: n))
        }
        ended = true
        return nil
    }

    /// Spaces, tabs and carriage returns only.
    static func isBlank(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
