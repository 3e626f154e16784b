#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ToolSemantics
import Trace

/// What a Claude Code `Read` showed the model: a window of lines of a file. Taken from the
/// structured record (`toolUseResult.file`: `content`, `startLine`, `numLines`, `totalLines`)
/// when the log has it, else from the result text with its line-number prefixes stripped
/// (`     1→` in 1.0.x, `1\t` in 2.x).
struct ReadResult {
    var startLine: Int
    var lines: [Substring]
    var totalLines: Int?
    /// The file's exact bytes, when the structured record holds all of it: from line 1, as
    /// many lines as the file has, none cut at the line limit.
    var wholeFile: [UInt8]?

    /// Lines longer than this are cut short in what the model is shown.
    static let lineLimit = 2000

    init?(_ span: Span) {
        if let file = span.details?["file"], let content = file["content"]?.stringValue {
            startLine = Int(file["startLine"]?.intValue ?? 1)
            var split = ReadResult.lines(of: content)
            if let n = file["numLines"]?.intValue, n >= 0, Int(n) < split.count { split = Array(split.prefix(Int(n))) }
            lines = split
            totalLines = file["totalLines"]?.intValue.map(Int.init)
            if startLine == 1, let total = totalLines, split.count == total,
                !split.contains(where: { $0.utf8.count >= ReadResult.lineLimit })
            {
                wholeFile = Array(content.utf8)
            }
            return
        }
        guard case .string(let text)? = span.output else { return nil }
        var parsed: [Substring] = []
        var first: Int?
        for raw in ReadResult.lines(of: text) {
            guard let (number, rest) = ReadResult.stripPrefix(raw) else { break }
            if first == nil { first = number }
            guard number == first! + parsed.count else { break }
            parsed.append(rest)
        }
        guard let first, !parsed.isEmpty else { return nil }
        startLine = first
        lines = parsed
        totalLines = nil
    }

    /// `"   12→text"` or `"12\ttext"` → (12, "text").
    static func stripPrefix(_ line: Substring) -> (Int, Substring)? {
        var i = line.startIndex
        while i < line.endIndex, line[i] == " " { i = line.index(after: i) }
        let digitsStart = i
        while i < line.endIndex, line[i].isASCII, line[i].isNumber { i = line.index(after: i) }
        guard i > digitsStart, i < line.endIndex, let n = Int(line[digitsStart..<i]) else { return nil }
        guard line[i] == "→" || line[i] == "\t" else { return nil }
        return (n, line[line.index(after: i)...])
    }

    /// `text` split at every `\n`. Split by bytes, which is what splitting by characters
    /// gives whenever there is no `\r\n` (a `\n` is a grapheme of its own otherwise); a
    /// text with a carriage return is split by characters, as it always was.
    static func lines(of text: String) -> [Substring] {
        if text.utf8.contains(0x0D) { return text.split(separator: "\n", omittingEmptySubsequences: false) }
        return text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Substring($0) }
    }

    /// The first line where what was read differs from `file`, as drift. Lines are compared
    /// by their bytes first; only a line whose bytes differ is decoded and compared as text
    /// (canonically equivalent text is the same line).
    func compare(with file: [UInt8], path: RepoPath) -> Drift? {
        let bytes = Bytes.normalisingCRLF(file)
        let fileLines = ReadResult.lineRanges(bytes)
        for (offset, seen) in lines.enumerated() {
            let number = startLine + offset
            let index = number - 1
            guard index < fileLines.count else {
                return Drift(kind: .observation, path: path.value, line: number, recorded: String(seen.prefix(300)), replayed: nil)
            }
            let range = fileLines[index]
            if ReadResult.sameBytes(seen, bytes[range]) { continue }
            let actual = Substring(String(decoding: bytes[range], as: UTF8.self))
            if actual == seen { continue }
            if seen.count >= ReadResult.lineLimit, actual.hasPrefix(seen) { continue }
            if Redaction.lineMatches(recorded: seen.utf8, replayed: bytes[range]) { continue }
            return Drift(kind: .observation, path: path.value, line: number, recorded: String(seen.prefix(300)), replayed: String(actual.prefix(300)))
        }
        if let total = totalLines, total != fileLines.count {
            let at = min(total, fileLines.count) + 1
            return Drift(
                kind: .observation, path: path.value, line: at,
                recorded: "(file of \(total) lines)", replayed: "(file of \(fileLines.count) lines)")
        }
        return nil
    }

    /// The byte ranges of the lines of `bytes` split at every `\n` (n newlines, n + 1 lines).
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        bytes.withUnsafeBufferPointer { p in
            for i in 0..<p.count where p[i] == 0x0A {
                out.append(start..<i)
                start = i + 1
            }
        }
        out.append(start..<bytes.count)
        return out
    }

    static func sameBytes(_ line: Substring, _ bytes: ArraySlice<UInt8>) -> Bool {
        let utf8 = line.utf8
        guard utf8.count == bytes.count else { return false }
        return utf8.withContiguousStorageIfAvailable { a in
            bytes.withUnsafeBufferPointer { b in a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
        } ?? utf8.elementsEqual(bytes)
    }
}
