/// OpenCode's `apply_patch` (and the older `patch`) tool: the patch grammar Codex defined, read
/// the way OpenCode's own parser reads it (`packages/opencode/src/patch/index.ts`), which is
/// laxer than Codex's and differs from it:
///
/// - the text is trimmed and may sit in a heredoc (`cat <<'EOF' … EOF`); `*** Begin Patch`
///   and `*** End Patch` are looked for as whole (trimmed) lines anywhere;
/// - between them, a line that is no file header is skipped; an added file's lines are those
///   starting with `+` up to the next `***` line (the last newline dropped, then one added
///   back when the content is not empty);
/// - an update's chunks start at `@@` lines (the rest of that line is a context line to seek);
///   lines before the first `@@` are skipped, as are lines starting with none of ` `, `-`, `+`;
/// - a chunk with no old lines adds its new lines at the end of the file; others are sought
///   from where the last one ended (exact, then ignoring trailing whitespace, then both
///   ends', then with typographic punctuation read as ASCII), retried without a trailing
///   empty line; the result always ends with a newline.
///
/// Paths are resolved against the directory OpenCode ran in.
package struct OpenCodePatch: Equatable {
    /// What a patch does to one file: the same three operations as Codex's grammar, as this
    /// parser reads them.
    package typealias Hunk = ApplyPatch.Operation
    package typealias Chunk = ApplyPatch.Chunk

    package struct Failure: Error, Equatable { package let message: String }

    package var hunks: [Hunk]

    package static func parse(_ patchText: String) throws(Failure) -> OpenCodePatch {
        let cleaned = stripHeredoc(jsTrim(patchText))
        let lines = splitLines(cleaned)
        guard let begin = lines.firstIndex(where: { jsTrim($0) == "*** Begin Patch" }),
            let end = lines.firstIndex(where: { jsTrim($0) == "*** End Patch" }), begin < end
        else {
            throw Failure(message: "Invalid patch format: missing Begin/End markers")
        }
        var hunks: [Hunk] = []
        var i = begin + 1
        while i < end {
            let line = lines[i]
            if let path = header(line, "*** Add File:") {
                var content = ""
                i += 1
                while i < lines.count, !lines[i].hasPrefix("***") {
                    if lines[i].hasPrefix("+") { content += String(lines[i].dropFirst()) + "\n" }
                    i += 1
                }
                if content.hasSuffix("\n") { content.removeLast() }
                hunks.append(.add(path: path, contents: content))
            } else if let path = header(line, "*** Delete File:") {
                hunks.append(.delete(path: path))
                i += 1
            } else if let path = header(line, "*** Update File:") {
                i += 1
                var moveTo: String?
                if i < lines.count, lines[i].hasPrefix("*** Move to:") {
                    moveTo = jsTrim(String(lines[i].dropFirst("*** Move to:".count)))
                    i += 1
                }
                var chunks: [Chunk] = []
                while i < lines.count, !lines[i].hasPrefix("***") {
                    guard lines[i].hasPrefix("@@") else { i += 1; continue }
                    let context = jsTrim(String(lines[i].dropFirst(2)))
                    i += 1
                    var chunk = Chunk(context: context.isEmpty ? nil : context, old: [], new: [], endOfFile: false)
                    while i < lines.count, !lines[i].hasPrefix("@@"), !lines[i].hasPrefix("***") {
                        let l = lines[i]
                        if l == "*** End of File" { chunk.endOfFile = true; i += 1; break }
                        if l.hasPrefix(" ") {
                            chunk.old.append(String(l.dropFirst()))
                            chunk.new.append(String(l.dropFirst()))
                        } else if l.hasPrefix("-") {
                            chunk.old.append(String(l.dropFirst()))
                        } else if l.hasPrefix("+") {
                            chunk.new.append(String(l.dropFirst()))
                        }
                        i += 1
                    }
                    chunks.append(chunk)
                }
                hunks.append(.update(path: path, moveTo: moveTo.flatMap { $0.isEmpty ? nil : $0 }, chunks: chunks))
            } else {
                i += 1
            }
        }
        return OpenCodePatch(hunks: hunks)
    }

    /// The path of a `*** Add File:`-style header line, when it has one.
    static func header(_ line: String, _ marker: String) -> String? {
        guard line.hasPrefix(marker) else { return nil }
        let path = jsTrim(String(line.dropFirst(marker.count)))
        return path.isEmpty ? nil : path
    }

    /// `^(?:cat\s+)?<<['"]?(\w+)['"]?\s*\n([\s\S]*?)\n\1\s*$`: the heredoc's body, else the text.
    static func stripHeredoc(_ text: String) -> String {
        var s = Substring(text)
        if s.hasPrefix("cat"), let next = s.dropFirst(3).first, next.isWhitespace {
            s = s.dropFirst(3).drop { $0.isWhitespace }
        }
        guard s.hasPrefix("<<") else { return text }
        s = s.dropFirst(2)
        let quote = s.first.map { $0 == "'" || $0 == "\"" } ?? false
        if quote { s = s.dropFirst() }
        let word = s.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        guard !word.isEmpty else { return text }
        s = s.dropFirst(word.count)
        if let q = s.first, q == "'" || q == "\"" { s = s.dropFirst() }
        s = s.drop { $0 != "\n" && $0.isWhitespace }
        guard s.first == "\n" else { return text }
        let body = s.dropFirst()
        // The first line that is the word (then only whitespace to the end of the text).
        let lines = splitLines(String(body))
        for (n, line) in lines.enumerated() where n > 0 && line.hasPrefix(word) {
            let rest = lines[n...].joined(separator: "\n").dropFirst(word.count)
            if rest.allSatisfy(\.isWhitespace) { return lines[..<n].joined(separator: "\n") }
        }
        return text
    }

    /// `text.split("\n")`: at every `\n` byte (Swift's own split would keep `\r\n` whole).
    static func splitLines(_ text: String) -> [String] {
        text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `String.prototype.trim`.
    static func jsTrim(_ s: String) -> String {
        String(decoding: OpenCodeReplacers.trim(Array(s.utf16)), as: UTF16.self)
    }
}
