/// How OpenCode's `apply_patch` changes one file (`deriveNewContentsFromChunks`,
/// `computeReplacements`, `seekSequence` in `packages/opencode/src/patch/index.ts`).
package extension OpenCodePatch {
    /// The new text of a file from its old text and an update's chunks, or OpenCode's error.
    static func update(_ original: String, chunks: [Chunk], path: String) -> Result<String, Failure> {
        var bom = false
        var text = original
        if text.unicodeScalars.first == "\u{FEFF}" {
            bom = true
            text.unicodeScalars.removeFirst()
        }
        var lines = splitLines(text)
        let trailingNewline = lines.last == ""
        if trailingNewline { lines.removeLast() }
        var replacements: [(start: Int, count: Int, new: [String])] = []
        var index = 0
        for chunk in chunks {
            if let context = chunk.context {
                guard let at = seek(lines, [context], from: index, endOfFile: false) else {
                    return .failure(Failure(message: "Failed to find context '\(context)' in \(path)"))
                }
                index = at + 1
            }
            if chunk.old.isEmpty {
                replacements.append((lines.count, 0, chunk.new))
                continue
            }
            var pattern = chunk.old
            var new = chunk.new
            var found = seek(lines, pattern, from: index, endOfFile: chunk.endOfFile)
            if found == nil, pattern.last == "" {
                pattern.removeLast()
                if new.last == "" { new.removeLast() }
                found = seek(lines, pattern, from: index, endOfFile: chunk.endOfFile)
            }
            guard let at = found else {
                return .failure(Failure(message: "Failed to find expected lines in \(path):\n" + chunk.old.joined(separator: "\n")))
            }
            replacements.append((at, pattern.count, new))
            index = at + pattern.count
        }
        // A stable sort by start, as `Array.prototype.sort` is; applied from the last.
        let ordered = replacements.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
        for r in ordered.reversed() {
            let start = min(r.start, lines.count)
            lines.replaceSubrange(start..<min(lines.count, start + r.count), with: r.new)
        }
        if trailingNewline || lines.isEmpty || lines.last != "" { lines.append("") }
        return .success((bom ? "\u{FEFF}" : "") + lines.joined(separator: "\n"))
    }

    /// Where `pattern` starts in `lines` at or after `start`: exact, then ignoring trailing
    /// whitespace, then whitespace at both ends, then with typographic punctuation as ASCII;
    /// with `endOfFile`, each pass tries the end of the file first.
    static func seek(_ lines: [String], _ pattern: [String], from start: Int, endOfFile: Bool) -> Int? {
        if pattern.isEmpty { return nil }
        let passes: [(String) -> [UInt16]] = [
            { Array($0.utf16) },
            { trimEnd(Array($0.utf16)) },
            { OpenCodeReplacers.trim(Array($0.utf16)) },
            { normalise(OpenCodeReplacers.trim(Array($0.utf16))) },
        ]
        let target = pattern
        for key in passes {
            let want = target.map(key)
            func matches(_ i: Int) -> Bool { want.indices.allSatisfy { key(lines[i + $0]) == want[$0] } }
            if endOfFile {
                let fromEnd = lines.count - pattern.count
                if fromEnd >= start, matches(fromEnd) { return fromEnd }
            }
            if lines.count >= pattern.count, start <= lines.count - pattern.count {
                for i in start...(lines.count - pattern.count) where matches(i) { return i }
            }
        }
        return nil
    }

    static func trimEnd(_ s: [UInt16]) -> [UInt16] {
        var end = s.count
        while end > 0, OpenCodeReplacers.isSpace(s[end - 1]) { end -= 1 }
        return Array(s[..<end])
    }

    /// Typographic quotes, dashes, the ellipsis and the no-break space as ASCII.
    static func normalise(_ s: [UInt16]) -> [UInt16] {
        var out: [UInt16] = []
        for c in s {
            switch c {
            case 0x2018, 0x2019, 0x201A, 0x201B: out.append(0x27)
            case 0x201C, 0x201D, 0x201E, 0x201F: out.append(0x22)
            case 0x2010...0x2015: out.append(0x2D)
            case 0x2026: out += [0x2E, 0x2E, 0x2E]
            case 0x00A0: out.append(0x20)
            default: out.append(c)
            }
        }
        return out
    }
}
