import Trace

/// What a Claude Code `Read` showed the model: a window of lines of a file. Taken from the
/// structured record (`toolUseResult.file`: `content`, `startLine`, `numLines`, `totalLines`)
/// when the log has it, else from the result text with its line-number prefixes stripped
/// (`     1→` in 1.0.x, `1\t` in 2.x).
struct ReadResult {
    var startLine: Int
    var lines: [Substring]
    var totalLines: Int?

    /// Lines longer than this are cut short in what the model is shown.
    static let lineLimit = 2000

    init?(_ span: Span) {
        if let file = span.details?["file"], let content = file["content"]?.stringValue {
            startLine = Int(file["startLine"]?.intValue ?? 1)
            var split = content.split(separator: "\n", omittingEmptySubsequences: false)
            if let n = file["numLines"]?.intValue, n >= 0, Int(n) < split.count { split = Array(split.prefix(Int(n))) }
            lines = split
            totalLines = file["totalLines"]?.intValue.map(Int.init)
            return
        }
        guard case .string(let text)? = span.output else { return nil }
        var parsed: [Substring] = []
        var first: Int?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
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

    /// The first line where what was read differs from `file`, as drift.
    func compare(with file: [UInt8], path: RepoPath) -> Drift? {
        let text = String(decoding: Bytes.normalisingCRLF(file), as: UTF8.self)
        let fileLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (offset, seen) in lines.enumerated() {
            let number = startLine + offset
            let index = number - 1
            guard index < fileLines.count else {
                return Drift(kind: .observation, path: path.value, line: number, recorded: String(seen.prefix(300)), replayed: nil)
            }
            let actual = fileLines[index]
            if actual == seen { continue }
            if seen.count >= ReadResult.lineLimit, actual.hasPrefix(seen) { continue }
            return Drift(kind: .observation, path: path.value, line: number, recorded: String(seen.prefix(300)), replayed: String(actual.prefix(300)))
        }
        if let total = totalLines, total != fileLines.count {
            let at = min(total, fileLines.count) + 1
            return Drift(kind: .observation, path: path.value, line: at,
                         recorded: "(file of \(total) lines)", replayed: "(file of \(fileLines.count) lines)")
        }
        return nil
    }
}
