import ToolSemantics

/// What a `str_replace_editor` observation showed of a file, and its check against the file
/// replay holds.
///
/// Two shapes are read: `cat -n` output (`view`, and the snippet after `str_replace` and
/// `insert`): a line `Here's the result of running `cat -n` on …:` then lines
/// `{n:6}\t{text}` with the file's tabs expanded; and the abbreviated "filemap" of a large
/// Python file: lines `{n:6d} {text}` (some bodies replaced by `... eliding lines a-b ...`),
/// the whole listing tab-expanded afterwards. A line cut by `<response clipped>` is compared
/// as a prefix and ends the check. Observations come from a terminal, so `\r\n` is read as
/// `\n`.
struct SWEAgentView {
    enum Shape { case catN, filemap }

    struct Line {
        var number: Int
        var text: [UInt8]
        /// The observation was cut inside this line: only a prefix of it was shown.
        var clipped: Bool
    }

    var shape: Shape
    var lines: [Line]

    static let catHeader = Array("Here's the result of running `cat -n` on ".utf8)
    static let filemapHeader = Array("<NOTE>This file is too large to display entirely.".utf8)
    static let clipMarker = Array("<response clipped>".utf8)

    init?(observation: String) {
        let text = Bytes.normalisingCRLF(Array(observation.utf8))
        let all = text.split(separator: 0x0A, omittingEmptySubsequences: false)
        if let header = all.firstIndex(where: { Bytes.contains(Self.catHeader, in: Array($0)) }) {
            shape = .catN
            lines = Self.numbered(all[(header + 1)...], separator: 0x09)
        } else if let header = all.firstIndex(where: { $0.starts(with: Self.filemapHeader) }) {
            shape = .filemap
            lines = Self.numbered(all[(header + 1)...], separator: 0x20)
        } else {
            return nil
        }
    }

    /// Lines `<spaces><digits><separator><text>` with consecutive numbers (elision lines of a
    /// filemap skip numbers), up to the first line that is not one.
    static func numbered(_ lines: ArraySlice<ArraySlice<UInt8>>, separator: UInt8) -> [Line] {
        var out: [Line] = []
        for raw in lines {
            var i = raw.startIndex
            while i < raw.endIndex, raw[i] == 0x20 { i += 1 }
            let digits = i
            while i < raw.endIndex, (0x30...0x39).contains(raw[i]) { i += 1 }
            guard i > digits, i < raw.endIndex, raw[i] == separator,
                let n = Int(String(decoding: raw[digits..<i], as: UTF8.self))
            else { break }
            if separator == 0x09, let last = out.last, n != last.number + 1 { break }
            var text = Array(separator == 0x09 ? raw[(i + 1)...] : raw[raw.startIndex...])
            var clipped = false
            if let cut = Bytes.occurrences(of: clipMarker, in: text, limit: 1).first {
                text = Array(text[..<cut])
                clipped = true
            }
            out.append(Line(number: n, text: text, clipped: clipped))
            if clipped { break }
        }
        return out
    }

    /// The first shown line that is not the file's, as drift.
    func compare(with file: [UInt8], path: RepoPath, kind: Drift.Kind) -> Drift? {
        let text = SWEAgentEditor.read(file).bytes
        switch shape {
        case .catN:
            let fileLines = SWEAgentEditor.expandTabs(text).split(separator: 0x0A, omittingEmptySubsequences: false)
            for line in lines {
                guard line.number >= 1, line.number <= fileLines.count else {
                    return Drift(kind: kind, path: path.value, line: line.number, recorded: show(line.text), replayed: nil)
                }
                if let d = compare(line, Array(fileLines[line.number - 1]), path: path, kind: kind) { return d }
            }
        case .filemap:
            let fileLines = SWEAgentView.pythonSplitLines(text)
            for line in lines {
                let body = line.text.drop { $0 == 0x20 }.drop { (0x30...0x39).contains($0) }.dropFirst()
                if body.starts(with: Array("... eliding lines ".utf8)) { continue }
                guard line.number >= 1, line.number <= fileLines.count else {
                    return Drift(kind: kind, path: path.value, line: line.number, recorded: show(Array(body)), replayed: nil)
                }
                // The filemap is `"{:6d} {}".format(n, line)`, tab-expanded as a whole.
                let prefix = String(repeating: " ", count: max(0, 6 - String(line.number).count)) + String(line.number) + " "
                let expected = SWEAgentEditor.expandTabs(Array(prefix.utf8) + fileLines[line.number - 1])
                if let d = compare(line, expected, path: path, kind: kind) {
                    var d = d
                    d.recorded = d.recorded.map { String($0.dropFirst(min($0.count, prefix.count))) }
                    d.replayed = d.replayed.map { String($0.dropFirst(min($0.count, prefix.count))) }
                    return d
                }
            }
        }
        return nil
    }

    func compare(_ line: Line, _ actual: [UInt8], path: RepoPath, kind: Drift.Kind) -> Drift? {
        if line.clipped ? actual.starts(with: line.text) : actual == line.text { return nil }
        return Drift(kind: kind, path: path.value, line: line.number, recorded: show(line.text), replayed: show(actual))
    }

    func show(_ bytes: [UInt8]) -> String {
        let s = String(decoding: bytes, as: UTF8.self)
        return s.count > 300 ? String(s.prefix(300)) + "…" : s
    }

    /// Python's `str.splitlines()` on UTF-8 text: line breaks are `\n`, `\r`, `\r\n`, `\v`,
    /// `\f`, `\x1c`–`\x1e`, `\x85`, U+2028 and U+2029.
    static func pythonSplitLines(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            var breakLength = 0
            switch b {
            case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E: breakLength = 1
            case 0x0D: breakLength = i + 1 < bytes.count && bytes[i + 1] == 0x0A ? 2 : 1
            case 0xC2 where i + 1 < bytes.count && bytes[i + 1] == 0x85: breakLength = 2
            case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9): breakLength = 3
            default: break
            }
            if breakLength > 0 {
                out.append(current)
                current = []
                i += breakLength
            } else {
                current.append(b)
                i += 1
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
