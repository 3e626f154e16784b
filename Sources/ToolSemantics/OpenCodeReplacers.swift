/// The candidates OpenCode's `edit` tool looks for, in its order (`SimpleReplacer` …
/// `MultiOccurrenceReplacer` in `packages/opencode/src/tool/edit.ts`). Each takes the file and
/// `oldString` and gives the texts of the file it would replace, first to last.
package enum OpenCodeReplacers {
    package typealias Text = [UInt16]
    package typealias Replacer = @Sendable (Text, Text) -> [Text]

    // Closures, not the functions themselves: a method referenced as a value is not inferred
    // `@Sendable` without an upcoming language feature.
    static let all: [Replacer] = [
        { simple($0, $1) }, { lineTrimmed($0, $1) }, { blockAnchor($0, $1) }, { whitespaceNormalized($0, $1) },
        { indentationFlexible($0, $1) }, { escapeNormalized($0, $1) }, { trimmedBoundary($0, $1) }, { contextAware($0, $1) },
        { simple($0, $1) },  // MultiOccurrenceReplacer yields `find` for each occurrence: the same candidate again
    ]

    static let newline: UInt16 = 0x0A

    // MARK: JavaScript text helpers

    /// JavaScript's `\s` and what `trim()` removes: WhiteSpace and LineTerminator.
    static func isSpace(_ c: UInt16) -> Bool {
        switch c {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: return true
        default: return false
        }
    }

    static func trim(_ s: ArraySlice<UInt16>) -> ArraySlice<UInt16> {
        var a = s.startIndex, b = s.endIndex
        while a < b, isSpace(s[a]) { a += 1 }
        while b > a, isSpace(s[b - 1]) { b -= 1 }
        return s[a..<b]
    }

    static func trim(_ s: Text) -> Text { Array(trim(s[...])) }

    /// `s.split("\n")`.
    static func lines(_ s: Text) -> [Text] { s.split(separator: newline, omittingEmptySubsequences: false).map(Array.init) }

    static func join(_ lines: ArraySlice<Text>) -> Text { Array(lines.joined(separator: [newline])) }

    /// The offset in `content` where line `i` starts (each line plus its `\n`).
    static func offset(ofLine i: Int, _ lines: [Text]) -> Int { lines[..<i].reduce(0) { $0 + $1.count + 1 } }

    /// Lines `start...end` of `content`, without the last one's `\n`.
    static func block(_ content: Text, _ lines: [Text], _ start: Int, _ end: Int) -> Text {
        let from = offset(ofLine: start, lines)
        let length = lines[start...end].reduce(0) { $0 + $1.count } + (end - start)
        return Array(content[from..<(from + length)])
    }

    // MARK: The replacers

    static func simple(_ content: Text, _ find: Text) -> [Text] { [find] }

    static func lineTrimmed(_ content: Text, _ find: Text) -> [Text] {
        let original = lines(content)
        var search = lines(find)
        if search.last == [] { search.removeLast() }
        guard original.count >= search.count else { return [] }
        var out: [Text] = []
        for i in 0...(original.count - search.count) where search.indices.allSatisfy({ trim(original[i + $0][...]) == trim(search[$0][...]) }) {
            out.append(search.isEmpty ? [] : block(content, original, i, i + search.count - 1))
        }
        return out
    }

    static func blockAnchor(_ content: Text, _ find: Text) -> [Text] {
        let original = lines(content)
        var search = lines(find)
        guard search.count >= 3 else { return [] }
        if search.last == [] { search.removeLast() }
        let first = trim(search[0]), last = trim(search[search.count - 1])
        var candidates: [(Int, Int)] = []
        for i in original.indices where trim(original[i]) == first {
            var j = i + 2
            while j < original.count {
                if trim(original[j]) == last {
                    candidates.append((i, j))
                    break
                }
                j += 1
            }
        }
        if candidates.isEmpty { return [] }
        // One candidate: OpenCode's threshold for it is 0, which any similarity meets.
        if candidates.count == 1 { return [block(content, original, candidates[0].0, candidates[0].1)] }
        var best: (Int, Int)?
        var bestSimilarity = -1.0
        for (start, end) in candidates {
            let size = end - start + 1
            let toCheck = min(search.count - 2, size - 2)
            var similarity = 0.0
            if toCheck > 0 {
                var j = 1
                while j < search.count - 1, j < size - 1 {
                    let a = trim(original[start + j]), b = trim(search[j])
                    let longest = max(a.count, b.count)
                    if longest > 0 { similarity += 1 - Double(levenshtein(a, b)) / Double(longest) }
                    j += 1
                }
                similarity /= Double(toCheck)
            } else {
                similarity = 1
            }
            if similarity > bestSimilarity {
                bestSimilarity = similarity
                best = (start, end)
            }
        }
        guard let best, bestSimilarity >= 0.3 else { return [] }
        return [block(content, original, best.0, best.1)]
    }

    static func levenshtein(_ a: Text, _ b: Text) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// `text.replace(/\s+/g, " ").trim()`.
    static func collapse(_ text: Text) -> Text {
        var out: Text = []
        var inSpace = false
        for c in text {
            if isSpace(c) {
                if !inSpace { out.append(0x20) }
                inSpace = true
            } else {
                out.append(c)
                inSpace = false
            }
        }
        return trim(out)
    }

    static func whitespaceNormalized(_ content: Text, _ find: Text) -> [Text] {
        let normalizedFind = collapse(find)
        let contentLines = lines(content)
        var out: [Text] = []
        let words = trim(find).split(whereSeparator: isSpace).map(Array.init)
        for line in contentLines {
            let normalizedLine = collapse(line)
            if normalizedLine == normalizedFind {
                out.append(line)
            } else if OpenCodeEdit.contains(normalizedLine, normalizedFind), let match = firstMatch(words: words, in: line) {
                out.append(match)
            }
        }
        let findLines = lines(find)
        if findLines.count > 1, contentLines.count >= findLines.count {
            for i in 0...(contentLines.count - findLines.count) {
                let block = join(contentLines[i..<(i + findLines.count)])
                if collapse(block) == normalizedFind { out.append(block) }
            }
        }
        return out
    }

    /// The first match in `line` of the words separated by whitespace (`word\s+word…`); no
    /// words (an empty pattern) match the empty text.
    static func firstMatch(words: [Text], in line: Text) -> Text? {
        guard let head = words.first else { return [] }
        var start = 0
        while start + head.count <= line.count {
            var i = start
            var matched = true
            for (n, word) in words.enumerated() {
                if n > 0 {
                    let spaceStart = i
                    while i < line.count, isSpace(line[i]) { i += 1 }
                    if i == spaceStart { matched = false; break }
                }
                guard i + word.count <= line.count, line[i..<(i + word.count)].elementsEqual(word) else { matched = false; break }
                i += word.count
            }
            if matched { return Array(line[start..<i]) }
            start += 1
        }
        return nil
    }

    /// Each line without the smallest indentation of the lines that are not blank.
    static func removeIndentation(_ text: Text) -> Text {
        let all = lines(text)
        let nonEmpty = all.filter { !trim($0).isEmpty }
        if nonEmpty.isEmpty { return text }
        let indent = nonEmpty.map { $0.prefix(while: isSpace).count }.min() ?? 0
        return join(all.map { trim($0).isEmpty ? $0 : Array($0.dropFirst(indent)) }[...])
    }

    static func indentationFlexible(_ content: Text, _ find: Text) -> [Text] {
        let normalizedFind = removeIndentation(find)
        let contentLines = lines(content)
        let count = lines(find).count
        guard contentLines.count >= count else { return [] }
        var out: [Text] = []
        for i in 0...(contentLines.count - count) {
            let block = join(contentLines[i..<(i + count)])
            if removeIndentation(block) == normalizedFind { out.append(block) }
        }
        return out
    }

    /// `\n`, `\t`, `\r`, `\'`, `\"`, `` \` ``, `\\`, a backslash-newline and `\$` undone.
    static func unescape(_ s: Text) -> Text {
        var out: Text = []
        var i = 0
        while i < s.count {
            if s[i] == 0x5C, i + 1 < s.count {
                let mapped: UInt16?
                switch s[i + 1] {
                case 0x6E: mapped = 0x0A  // n
                case 0x74: mapped = 0x09  // t
                case 0x72: mapped = 0x0D  // r
                case 0x27, 0x22, 0x60, 0x5C, 0x0A, 0x24: mapped = s[i + 1]
                default: mapped = nil
                }
                if let mapped {
                    out.append(mapped)
                    i += 2
                    continue
                }
            }
            out.append(s[i])
            i += 1
        }
        return out
    }

    static func escapeNormalized(_ content: Text, _ find: Text) -> [Text] {
        let unescaped = unescape(find)
        return matches(of: unescaped, in: content, lines: lines(unescaped).count, normalizedBy: unescape)
    }

    static func trimmedBoundary(_ content: Text, _ find: Text) -> [Text] {
        let trimmed = trim(find)
        if trimmed == find { return [] }
        return matches(of: trimmed, in: content, lines: lines(find).count, normalizedBy: trim)
    }

    /// `target` itself when `content` holds it, then each block of `count` whole lines of
    /// `content` that `normalize` makes equal to `target`, top to bottom.
    private static func matches(of target: Text, in content: Text, lines count: Int, normalizedBy normalize: (Text) -> Text) -> [Text] {
        var out: [Text] = []
        if OpenCodeEdit.contains(content, target) { out.append(target) }
        let contentLines = lines(content)
        if contentLines.count >= count {
            for i in 0...(contentLines.count - count) {
                let block = join(contentLines[i..<(i + count)])
                if normalize(block) == target { out.append(block) }
            }
        }
        return out
    }

    static func contextAware(_ content: Text, _ find: Text) -> [Text] {
        var findLines = lines(find)
        guard findLines.count >= 3 else { return [] }
        if findLines.last == [] { findLines.removeLast() }
        let contentLines = lines(content)
        let first = trim(findLines[0]), last = trim(findLines[findLines.count - 1])
        var out: [Text] = []
        for i in contentLines.indices where trim(contentLines[i]) == first {
            var j = i + 2
            while j < contentLines.count {
                if trim(contentLines[j]) == last {
                    let blockLines = contentLines[i...j]
                    if blockLines.count == findLines.count {
                        var matching = 0, nonEmpty = 0
                        for k in 1..<(blockLines.count - 1) {
                            let a = trim(contentLines[i + k]), b = trim(findLines[k])
                            if !a.isEmpty || !b.isEmpty {
                                nonEmpty += 1
                                if a == b { matching += 1 }
                            }
                        }
                        if nonEmpty == 0 || Double(matching) / Double(nonEmpty) >= 0.5 {
                            out.append(join(blockLines))
                            break
                        }
                    }
                    break
                }
                j += 1
            }
        }
        return out
    }
}
