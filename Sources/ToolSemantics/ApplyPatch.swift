/// A patch in Codex's `apply_patch` grammar, parsed the way Codex parses it.
///
/// ```
/// *** Begin Patch
/// *** Add File: <path>          then lines "+text"
/// *** Delete File: <path>
/// *** Update File: <path>
/// *** Move to: <path>           (optional, right after Update File)
/// @@ [context line]             then lines " ctx", "-old", "+new"; the first chunk may omit @@
/// *** End of File               (optional, ends a chunk: its old lines end the file)
/// *** End Patch
/// ```
///
/// The parse is as lenient as Codex's: the text is trimmed, lines lose a trailing `\r`, the
/// marker lines may carry surrounding white space, blank lines between chunks are skipped, a
/// blank line inside a chunk is an empty context line, and a patch wrapped in a heredoc
/// (`<<'EOF'` … `EOF`) is unwrapped.
package struct ApplyPatch: Equatable {
    /// What a patch does to one file (OpenCode's parser makes the same, `OpenCodePatch.Hunk`).
    package enum Operation: Equatable {
        /// Writes `contents` (here every `+` line followed by `\n`), replacing any file there.
        case add(path: String, contents: String)
        case delete(path: String)
        /// Applies `chunks` to the file, then writes it at `moveTo` (removing `path`) when set.
        case update(path: String, moveTo: String?, chunks: [Chunk])

        package var path: String {
            switch self {
            case .add(let p, _), .delete(let p), .update(let p, _, _): return p
            }
        }
    }

    /// One `@@` section of an update: the lines it replaces and the lines it writes.
    package struct Chunk: Equatable {
        /// The text after `@@ `: a line to find first; the old lines come after it.
        var context: String?
        var old: [String]
        var new: [String]
        /// `*** End of File` closed the chunk: its old lines are sought at the end of the file.
        var endOfFile: Bool
    }

    package struct ParseError: Error, Equatable, CustomStringConvertible {
        var message: String
        /// The 1-based line of the patch at fault, when one is.
        var line: Int?
        package var description: String {
            line.map { "invalid hunk at line \($0), \(message)" } ?? "invalid patch: \(message)"
        }
    }

    package var operations: [Operation]

    static let begin = "*** Begin Patch"
    static let end = "*** End Patch"
    static let addMarker = "*** Add File: "
    static let deleteMarker = "*** Delete File: "
    static let updateMarker = "*** Update File: "
    static let moveMarker = "*** Move to: "
    static let endOfFileMarker = "*** End of File"

    package static func parse(_ text: String) throws(ParseError) -> ApplyPatch {
        let all = lines(PatchText.trimmed(text))
        let body = try boundaries(all)
        var operations: [Operation] = []
        var rest = body[...]
        var lineNumber = 2
        while !rest.isEmpty {
            let (operation, used) = try parseOperation(rest, lineNumber: lineNumber)
            operations.append(operation)
            lineNumber += used
            rest = rest.dropFirst(used)
        }
        return ApplyPatch(operations: operations)
    }

    /// Rust's `str::lines`: split on `\n`, drop one `\r` before it, no empty last line for a
    /// final newline.
    static func lines(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        var out = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
        if text.utf8.last == 0x0A { out.removeLast() }
        return out
    }

    /// The lines between `*** Begin Patch` and `*** End Patch`, looking inside a heredoc
    /// wrapper when the markers are not the first and last lines.
    static func boundaries(_ lines: [String]) throws(ParseError) -> [String] {
        func strict(_ lines: ArraySlice<String>) throws(ParseError) -> [String] {
            guard let first = lines.first.map(PatchText.trimmed), PatchText.same(first, begin) else {
                if lines.isEmpty { throw ParseError(message: "The last line of the patch must be '\(end)'") }
                throw ParseError(message: "The first line of the patch must be '\(begin)'")
            }
            guard lines.count >= 2, PatchText.same(PatchText.trimmed(lines.last!), end) else {
                throw ParseError(message: "The last line of the patch must be '\(end)'")
            }
            return Array(lines.dropFirst().dropLast())
        }
        do {
            return try strict(lines[...])
        } catch {
            guard lines.count >= 4, ["<<EOF", "<<'EOF'", "<<\"EOF\""].contains(where: { PatchText.same($0, lines[0]) }),
                PatchText.hasSuffix(lines.last!, "EOF")
            else { throw error }
            return try strict(lines.dropFirst().dropLast())
        }
    }

    static func parseOperation(_ lines: ArraySlice<String>, lineNumber: Int) throws(ParseError) -> (Operation, Int) {
        let first = PatchText.trimmed(lines.first!)
        if let path = PatchText.after(addMarker, in: first) {
            var contents = ""
            var used = 1
            for line in lines.dropFirst() {
                guard let text = PatchText.after("+", in: line) else { break }
                contents += text + "\n"
                used += 1
            }
            return (.add(path: path, contents: contents), used)
        }
        if let path = PatchText.after(deleteMarker, in: first) {
            return (.delete(path: path), 1)
        }
        guard let path = PatchText.after(updateMarker, in: first) else {
            throw ParseError(
                message:
                    "'\(first)' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
                line: lineNumber)
        }
        var rest = lines.dropFirst()
        var used = 1
        var moveTo: String?
        if let line = rest.first, let destination = PatchText.after(moveMarker, in: line) {
            moveTo = destination
            rest = rest.dropFirst()
            used += 1
        }
        var chunks: [Chunk] = []
        while let line = rest.first {
            if PatchText.trimmed(line).isEmpty {
                rest = rest.dropFirst()
                used += 1
                continue
            }
            if line.utf8.first == UInt8(ascii: "*") { break }
            let (chunk, chunkLines) = try parseChunk(rest, lineNumber: lineNumber + used, firstChunk: chunks.isEmpty)
            chunks.append(chunk)
            used += chunkLines
            rest = rest.dropFirst(chunkLines)
        }
        if chunks.isEmpty {
            throw ParseError(message: "Update file hunk for path '\(path)' is empty", line: lineNumber)
        }
        return (.update(path: path, moveTo: moveTo, chunks: chunks), used)
    }

    static func parseChunk(_ lines: ArraySlice<String>, lineNumber: Int, firstChunk: Bool) throws(ParseError) -> (Chunk, Int) {
        let head = lines.first!
        var context: String?
        var start = 1
        if PatchText.same(head, "@@") {
            context = nil
        } else if let text = PatchText.after("@@ ", in: head) {
            context = text
        } else if firstChunk {
            start = 0
        } else {
            throw ParseError(message: "Expected update hunk to start with a @@ context marker, got: '\(head)'", line: lineNumber)
        }
        guard start < lines.count else {
            throw ParseError(message: "Update hunk does not contain any lines", line: lineNumber + 1)
        }
        var chunk = Chunk(context: context, old: [], new: [], endOfFile: false)
        var parsed = 0
        for line in lines.dropFirst(start) {
            if PatchText.same(line, endOfFileMarker) {
                if parsed == 0 { throw ParseError(message: "Update hunk does not contain any lines", line: lineNumber + 1) }
                chunk.endOfFile = true
                parsed += 1
                break
            }
            let text = String(decoding: line.utf8.dropFirst(), as: UTF8.self)
            switch line.utf8.first {
            case nil:
                chunk.old.append("")
                chunk.new.append("")
            case UInt8(ascii: " "):
                chunk.old.append(text)
                chunk.new.append(text)
            case UInt8(ascii: "+"):
                chunk.new.append(text)
            case UInt8(ascii: "-"):
                chunk.old.append(text)
            default:
                if parsed == 0 {
                    throw ParseError(
                        message:
                            "Unexpected line found in update hunk: '\(line)'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)",
                        line: lineNumber + 1)
                }
                return (chunk, parsed + start)
            }
            parsed += 1
        }
        return (chunk, parsed + start)
    }
}
