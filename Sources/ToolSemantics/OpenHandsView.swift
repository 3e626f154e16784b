/// What an OpenHands editor observation showed of a file, and its checks against the file
/// replay holds.
///
/// The editor prints files as `cat -n` does (`_make_output`): a line `Here's the result of
/// running `cat -n` on …:` then `{n:6}\t{line}` for every element of the shown text split
/// on `\n`, tabs kept. A whole-file view shows a last, empty line when the file ends with a
/// newline (the text split on `\n` has one); the snippet after an edit is read line by line
/// with their newlines, so its last empty line is an artifact and is not checked. A line cut
/// by `<response clipped>` is compared as a prefix and ends the check.
package struct OpenHandsView {
    package struct Line {
        var number: Int
        var text: [UInt8]
        var clipped: Bool
    }

    var lines: [Line]

    static let header = Array("Here's the result of running `cat -n` on ".utf8)
    static let clipMarker = Array("<response clipped>".utf8)

    package init?(observation: String, snippet: Bool) {
        let all = Array(observation.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
        guard let at = all.firstIndex(where: { Bytes.contains(Self.header, in: Array($0)) }) else { return nil }
        var out: [Line] = []
        for raw in all[(at + 1)...] {
            var i = raw.startIndex
            while i < raw.endIndex, raw[i] == 0x20 { i += 1 }
            let digits = i
            while i < raw.endIndex, (0x30...0x39).contains(raw[i]) { i += 1 }
            guard i > digits, i < raw.endIndex, raw[i] == 0x09, let n = Int(String(decoding: raw[digits..<i], as: UTF8.self)) else { break }
            if let last = out.last, n != last.number + 1 { break }
            var text = Array(raw[(i + 1)...])
            var clipped = false
            if let cut = Bytes.occurrences(of: Self.clipMarker, in: text, limit: 1).first {
                text = Array(text[..<cut])
                clipped = true
            }
            out.append(Line(number: n, text: text, clipped: clipped))
            if clipped { break }
        }
        if snippet, let last = out.last, last.text.isEmpty, !last.clipped { out.removeLast() }
        lines = out
    }

    /// The first shown line that is not the file's (`text` as the editor reads it), as drift.
    package func compare(with text: [UInt8], path: RepoPath, kind: Drift.Kind) -> Drift? {
        let fileLines = text.split(separator: 0x0A, omittingEmptySubsequences: false)
        for line in lines {
            guard line.number >= 1, line.number <= fileLines.count else {
                return Drift(kind: kind, path: path.value, line: line.number, recorded: Self.shown(line.text), replayed: nil)
            }
            let actual = Array(fileLines[line.number - 1])
            if line.clipped ? actual.starts(with: line.text) : actual == line.text { continue }
            return Drift(kind: kind, path: path.value, line: line.number, recorded: Self.shown(line.text), replayed: Self.shown(actual))
        }
        return nil
    }

    static func shown(_ bytes: some Collection<UInt8>) -> String {
        let s = String(decoding: bytes, as: UTF8.self)
        return s.count > 300 ? String(s.prefix(300)) + "…" : s
    }
}

/// The `diff` an OpenHands edit observation carries (`get_diff`: `difflib.unified_diff` of
/// the text before and after, split on `\n`, no context lines, every line right-stripped),
/// checked against the edit replay made: its removed lines must be the lines replay held
/// before (else `before-image` drift) and the text it gives must be the text replay wrote
/// (else `after-image` drift). Trailing white space is not compared: the diff dropped it.
package enum OpenHandsDiff {
    package static func check(_ diff: String, before: [UInt8], after: [UInt8], path: RepoPath) -> Drift? {
        let lines = Array(diff.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
        guard let first = lines.firstIndex(where: { $0.starts(with: Array("@@ ".utf8)) }),
            let (hunks, _) = UnifiedDiff.parseHunks(lines, from: first), !hunks.isEmpty
        else { return nil }
        let old = before.split(separator: 0x0A, omittingEmptySubsequences: false).map(rstrip)
        var out: [ArraySlice<UInt8>] = []
        var cursor = 0
        for hunk in hunks {
            let start = hunk.oldCount == 0 ? hunk.oldStart : hunk.oldStart - 1
            guard start >= cursor, start <= old.count else {
                return Drift(
                    kind: .beforeImage, path: path.value, line: start + 1, recorded: "(a change at line \(hunk.oldStart))",
                    replayed: "(file of \(old.count) lines)")
            }
            out += old[cursor..<start]
            cursor = start
            for line in hunk.lines {
                if line.tag == UInt8(ascii: "+") {
                    out.append(line.text[...])
                    continue
                }
                guard cursor < old.count, old[cursor].elementsEqual(line.text) else {
                    return Drift(
                        kind: .beforeImage, path: path.value, line: cursor + 1, recorded: OpenHandsView.shown(line.text),
                        replayed: cursor < old.count ? OpenHandsView.shown(old[cursor]) : nil)
                }
                if line.tag == UInt8(ascii: " ") { out.append(old[cursor]) }
                cursor += 1
            }
        }
        out += old[cursor...]
        let new = after.split(separator: 0x0A, omittingEmptySubsequences: false).map(rstrip)
        for i in 0..<max(out.count, new.count) {
            let expected = i < out.count ? out[i] : nil
            let actual = i < new.count ? new[i] : nil
            if let expected, let actual, expected.elementsEqual(actual) { continue }
            return Drift(
                kind: .afterImage, path: path.value, line: i + 1, recorded: expected.map(OpenHandsView.shown),
                replayed: actual.map(OpenHandsView.shown))
        }
        return nil
    }

    /// Python's `str.rstrip()` on ASCII white space (what a diff line can end with here).
    static func rstrip(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var end = line.endIndex
        while end > line.startIndex, [0x20, 0x09, 0x0B, 0x0C, 0x0D].contains(line[end - 1]) { end -= 1 }
        return line[line.startIndex..<end]
    }
}
