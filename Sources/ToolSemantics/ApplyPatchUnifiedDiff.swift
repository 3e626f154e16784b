/// The hunks of a unified diff for one file (`@@ -a,b +c,d @@` then lines tagged ` `, `-`, `+`,
/// and `\ No newline at end of file`), and their strict application: every context and
/// removed line must be the line at its place in the file, so a diff that does not fit is
/// reported where it stops fitting, never applied by guess.
///
/// Recorders use such diffs to say what an edit did (Codex's `patch_apply_end`, SWE-agent's
/// submission); replay applies them to the file it held before the edit to get the file the
/// recorder saw after it.
package struct UnifiedDiff: Equatable {
    package struct Line: Equatable {
        /// ` `, `-` or `+`.
        package var tag: UInt8
        package var text: [UInt8]
        /// A `\ No newline at end of file` marker followed the line.
        var noNewline = false
    }

    package struct Hunk: Equatable {
        var oldStart: Int
        var oldCount: Int
        package var newStart: Int
        var newCount: Int
        package var lines: [Line]
    }

    /// Where a diff stops fitting the file: the 1-based line, the line the diff expects there
    /// and the line the file has (nil: past its end).
    package struct Misfit: Error, Equatable {
        package var line: Int
        package var expected: String
        package var found: String?
    }

    var hunks: [Hunk]

    package init(hunks: [Hunk]) { self.hunks = hunks }

    /// Parses hunks from `lines` starting at `index`, up to the first line that is not part
    /// of a hunk; returns the hunks and the index after them, or nil for a malformed header.
    package static func parseHunks(_ lines: [ArraySlice<UInt8>], from index: Int) -> (hunks: [Hunk], next: Int)? {
        var i = index
        var hunks: [Hunk] = []
        while i < lines.count, lines[i].starts(with: Array("@@ ".utf8)) {
            guard var hunk = header(lines[i]) else { return nil }
            i += 1
            var oldLeft = hunk.oldCount
            var newLeft = hunk.newCount
            while i < lines.count, oldLeft > 0 || newLeft > 0 || lines[i].first == UInt8(ascii: "\\") {
                let line = lines[i]
                let tag = line.first ?? UInt8(ascii: " ")  // an empty line: context stripped of its space
                let text = Array(line.dropFirst())
                switch tag {
                case UInt8(ascii: "\\"):
                    guard !hunk.lines.isEmpty else { return nil }
                    hunk.lines[hunk.lines.count - 1].noNewline = true
                case UInt8(ascii: " "):
                    hunk.lines.append(Line(tag: tag, text: text)); oldLeft -= 1; newLeft -= 1
                case UInt8(ascii: "-"):
                    hunk.lines.append(Line(tag: tag, text: text)); oldLeft -= 1
                case UInt8(ascii: "+"):
                    hunk.lines.append(Line(tag: tag, text: text)); newLeft -= 1
                default:
                    return nil
                }
                i += 1
            }
            guard oldLeft == 0, newLeft == 0 else { return nil }
            hunks.append(hunk)
        }
        return (hunks, i)
    }

    /// `@@ -a[,b] +c[,d] @@[ section]`.
    static func header(_ line: ArraySlice<UInt8>) -> Hunk? {
        let text = String(decoding: line, as: UTF8.self)
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 4, parts[0] == "@@", parts[3] == "@@" || parts[3].hasPrefix("@@"),
            parts[1].hasPrefix("-"), parts[2].hasPrefix("+"),
            let old = range(parts[1].dropFirst()), let new = range(parts[2].dropFirst())
        else { return nil }
        return Hunk(oldStart: old.0, oldCount: old.1, newStart: new.0, newCount: new.1, lines: [])
    }

    static func range(_ s: Substring) -> (Int, Int)? {
        let pieces = s.split(separator: ",", omittingEmptySubsequences: false)
        guard let start = Int(pieces[0]), start >= 0 else { return nil }
        if pieces.count == 1 { return (start, 1) }
        guard pieces.count == 2, let count = Int(pieces[1]), count >= 0 else { return nil }
        return (start, count)
    }

    /// A file as lines without their `\n`, and whether the last one had one.
    package static func split(_ bytes: [UInt8]) -> (lines: [ArraySlice<UInt8>], endsWithNewline: Bool) {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        let ends = bytes.last == 0x0A
        if ends || bytes.isEmpty { lines.removeLast() }
        return (lines, ends || bytes.isEmpty)
    }

    /// The file these hunks make of `original` (nil: the file did not exist).
    package func apply(to original: [UInt8]?) -> Result<[UInt8], Misfit> {
        let (old, oldEndsWithNewline) = UnifiedDiff.split(original ?? [])
        var out: [(text: ArraySlice<UInt8>, newline: Bool)] = []
        var cursor = 0
        func oldNewline(_ i: Int) -> Bool { i < old.count - 1 || oldEndsWithNewline }
        func text(_ bytes: some Collection<UInt8>) -> String {
            let s = String(decoding: bytes, as: UTF8.self)
            return s.count > 300 ? String(s.prefix(300)) + "…" : s
        }
        for hunk in hunks {
            // An empty old range names the line after which the new lines go.
            let start = hunk.oldCount == 0 ? hunk.oldStart : max(0, hunk.oldStart - 1)
            guard start >= cursor, start <= old.count else {
                // A hunk past the end (its start may be any number up to Int.max) stops
                // fitting where the file ends.
                let line = min(start, old.count)
                return .failure(
                    Misfit(
                        line: line + 1, expected: "(hunk @@ -\(hunk.oldStart),\(hunk.oldCount) @@)", found: line < old.count ? text(old[line]) : nil))
            }
            for i in cursor..<start { out.append((old[i], oldNewline(i))) }
            cursor = start
            for line in hunk.lines {
                switch line.tag {
                case UInt8(ascii: "+"):
                    out.append((line.text[...], !line.noNewline))
                default:
                    guard cursor < old.count, old[cursor].elementsEqual(line.text) else {
                        return .failure(Misfit(line: cursor + 1, expected: text(line.text), found: cursor < old.count ? text(old[cursor]) : nil))
                    }
                    // The marker on an old line says it ends the file without a newline.
                    if line.noNewline == oldNewline(cursor) {
                        return .failure(
                            Misfit(
                                line: cursor + 1, expected: line.noNewline ? "(no newline at end)" : "(ends with a newline)",
                                found: oldNewline(cursor) ? "(ends with a newline)" : "(no newline at end)"))
                    }
                    if line.tag == UInt8(ascii: " ") { out.append((old[cursor], !line.noNewline)) }
                    cursor += 1
                }
            }
        }
        for i in cursor..<old.count { out.append((old[i], oldNewline(i))) }
        var bytes: [UInt8] = []
        for (i, line) in out.enumerated() {
            bytes += line.text
            if line.newline || i < out.count - 1 { bytes.append(0x0A) }
        }
        return .success(bytes)
    }
}
