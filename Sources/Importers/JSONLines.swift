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
    /// Whether a line may hold objects one straight after another (see `init`).
    private let joined: Bool
    /// The objects of a joined line still to hand on, with its number.
    private var queued: [JSON] = []
    private var queuedLine = 0

    /// With `joined`, a line holding two or more objects one straight after the other
    /// (`{…}{…}`: Claude Code appends a line to one whose newline it never wrote) gives them
    /// one by one, each named by that line's number; else such a line is an error.
    init(path: String, displayName: String, joined: Bool = false, start: LineReader.Start? = nil) throws(TraceError) {
        self.displayName = displayName
        self.joined = joined
        lines = try LineReader(path: path, start: start)
    }

    /// Bytes read, of the file's size.
    var position: (done: Int, total: Int) { (lines.offset, lines.size) }

    /// The next record, or nil at the end (after a cut-short last line too).
    func next() throws(TraceError) -> Record? {
        if !queued.isEmpty { return .object(try FieldDecoder(queued.removeFirst(), file: displayName, line: queuedLine)) }
        while !ended, let bytes = try lines.next() {
            if Self.isBlank(bytes) { continue }
            let n = lines.lineNumber
            let value: JSON
            do {
                value = try TraceReader.parse(bytes, file: displayName, line: n)
            } catch {
                if joined, let values = Self.splitJoined(bytes) {
                    queued = Array(values.dropFirst())
                    queuedLine = n
                    return .object(try FieldDecoder(values[0], file: displayName, line: n))
                }
                guard lines.lastLineUnterminated else { throw error }
                ended = true
                return .cutShort(line: n, reason: error.message)
            }
            return .object(try FieldDecoder(value, file: displayName, line: n))
        }
        ended = true
        return nil
    }

    /// The objects of a line that holds several one straight after another, or nil when it is
    /// not such a line (a bad line stays an error). Only called on a line that failed to parse.
    static func splitJoined(_ bytes: ArraySlice<UInt8>) -> [JSON]? {
        var values: [JSON] = []
        var rest = bytes
        while !rest.isEmpty {
            do {
                values.append(try JSONParser.parse(rest))
                break
            } catch {
                // Only "data after the value" at an object's start splits the line.
                let at = rest.startIndex + error.offset
                guard error.offset > 0, at < rest.endIndex, rest[at] == UInt8(ascii: "{"),
                    let value = try? JSONParser.parse(rest[..<at]), value.objectValue != nil
                else { return nil }
                values.append(value)
                rest = rest[at...]
            }
        }
        return values.count > 1 && values.allSatisfy { $0.objectValue != nil } ? values : nil
    }

    /// Spaces, tabs and carriage returns only.
    static func isBlank(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
