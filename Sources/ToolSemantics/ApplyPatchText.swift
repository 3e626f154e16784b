/// Text as Codex's `apply_patch` (Rust) sees it: strings compare byte for byte (no Unicode
/// canonical equivalence, which Swift's `==` and `hasPrefix` apply), and trimming removes
/// Unicode `White_Space` scalars, as Rust's `str::trim` does.
package enum PatchText {
    static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// The rest of `s` after `prefix`, or nil when `s` does not start with it.
    static func after(_ prefix: String, in s: String) -> String? {
        guard s.utf8.starts(with: prefix.utf8) else { return nil }
        return String(decoding: s.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
    }

    static func hasSuffix(_ s: String, _ suffix: String) -> Bool {
        s.utf8.count >= suffix.utf8.count && s.utf8.suffix(suffix.utf8.count).elementsEqual(suffix.utf8)
    }

    static func trimmed(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }

    static func trimmedEnd(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[...last])
    }

    /// Trimmed, with typographic dashes, quotes and spaces turned into their ASCII forms:
    /// the last and most lenient way `seek_sequence` compares lines.
    static func normalised(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in trimmed(s).unicodeScalars {
            switch scalar.value {
            case 0x2010...0x2015, 0x2212: out.append("-")
            case 0x2018...0x201B: out.append("'")
            case 0x201C...0x201F: out.append("\"")
            case 0x00A0, 0x2002...0x200A, 0x202F, 0x205F, 0x3000: out.append(" ")
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}

/// Codex's `seek_sequence`: where `pattern` occurs in `lines`, trying ever more lenient
/// comparisons: exact, then ignoring trailing white space, then ignoring white space at both
/// ends, then also normalising Unicode punctuation. Each pass scans the whole range before the
/// next is tried, so an exact match later in the file beats a lenient one earlier.
///
/// Each pass is linear in the file and the pattern, whatever they hold: lines are numbered by
/// their transformed bytes (equal bytes, equal number) and the pattern's numbers searched for
/// with Knuth–Morris–Pratt, instead of comparing the pattern at every line (O(file × pattern)
/// on a file of near-matches).
package enum PatchSeek {
    static func seek(_ lines: [String], _ pattern: [String], from start: Int, endOfFile: Bool) -> Int? {
        if pattern.isEmpty { return start }
        guard pattern.count <= lines.count else { return nil }
        let last = lines.count - pattern.count
        // `*** End of File`: only the position that ends the file is tried.
        let first = endOfFile ? last : start
        guard first <= last else { return nil }
        let passes: [(String) -> String] = [{ $0 }, PatchText.trimmedEnd, PatchText.trimmed, PatchText.normalised]
        for transform in passes {
            var numbers: [[UInt8]: Int] = [:]
            func number(_ s: String) -> Int {
                let key = Array(transform(s).utf8)  // bytes: Swift's String == is canonical equivalence
                if let n = numbers[key] { return n }
                numbers[key] = numbers.count
                return numbers.count - 1
            }
            let want = pattern.map(number)
            let text = lines[first...].map(number)
            if let at = firstOccurrence(of: want, in: text) { return first + at }
        }
        return nil
    }

    /// Where `pattern` first occurs in `text` (Knuth–Morris–Pratt: O(text + pattern)).
    static func firstOccurrence(of pattern: [Int], in text: [Int]) -> Int? {
        guard !pattern.isEmpty else { return 0 }
        var failure = [Int](repeating: 0, count: pattern.count)
        var k = 0
        for i in 1..<max(1, pattern.count) {
            while k > 0 && pattern[i] != pattern[k] { k = failure[k - 1] }
            if pattern[i] == pattern[k] { k += 1 }
            failure[i] = k
        }
        k = 0
        for (i, x) in text.enumerated() {
            while k > 0 && x != pattern[k] { k = failure[k - 1] }
            if x == pattern[k] { k += 1 }
            if k == pattern.count { return i - pattern.count + 1 }
        }
        return nil
    }
}

/// A text file as Codex's `apply_patch` edits it: lines split at `\n`, each remembering
/// whether it ended with `\n`, `\r\n` or nothing (a last line without newline). Lines are
/// matched without their `\r`; lines a patch writes take the file's first line ending; after
/// an update every line ends with a newline.
package struct PatchFile {
    package enum Ending: Equatable { case lf, crlf }
    package struct Line { var text: String; var ending: Ending? }

    var lines: [Line] = []
    var preferred: Ending = .lf

    init(_ contents: [UInt8]) {
        var preferred: Ending?
        var start = 0
        for (i, byte) in contents.enumerated() where byte == 0x0A {
            var end = i
            var ending = Ending.lf
            if end > start, contents[end - 1] == 0x0D { end -= 1; ending = .crlf }
            if preferred == nil { preferred = ending }
            lines.append(Line(text: String(decoding: contents[start..<end], as: UTF8.self), ending: ending))
            start = i + 1
        }
        if start < contents.count {
            lines.append(Line(text: String(decoding: contents[start...], as: UTF8.self), ending: nil))
        }
        self.preferred = preferred ?? .lf
    }

    var texts: [String] { lines.map(\.text) }

    /// Replaces `count` lines at `start` by `new`, for each replacement (ascending, not
    /// overlapping); then gives every line an ending.
    mutating func apply(_ replacements: [(start: Int, count: Int, new: [String])]) {
        for r in replacements.reversed() {
            let from = min(r.start, lines.count)
            let to = min(from + r.count, lines.count)
            lines.replaceSubrange(from..<to, with: r.new.map { Line(text: $0, ending: preferred) })
        }
        for i in lines.indices where lines[i].ending == nil { lines[i].ending = preferred }
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        for line in lines {
            out += line.text.utf8
            switch line.ending {
            case .lf?: out.append(0x0A)
            case .crlf?: out += [0x0D, 0x0A]
            case nil: break
            }
        }
        return out
    }
}

package extension ApplyPatch {
    /// The file `contents` after `chunks`, as Codex computes it, or Codex's error message.
    static func update(_ contents: [UInt8], chunks: [Chunk], path: String) -> Result<[UInt8], Failure> {
        var file = PatchFile(contents)
        let lines = file.texts
        var replacements: [(start: Int, count: Int, new: [String], order: Int)] = []
        var index = 0
        for (order, chunk) in chunks.enumerated() {
            if let context = chunk.context {
                guard let at = PatchSeek.seek(lines, [context], from: index, endOfFile: false) else {
                    return .failure(Failure("Failed to find context '\(context)' in \(path)"))
                }
                index = at + 1
            }
            if chunk.old.isEmpty {
                // A pure addition goes at the end of the file (before a last empty line).
                let at = lines.last.map { $0.isEmpty } == true ? lines.count - 1 : lines.count
                replacements.append((at, 0, chunk.new, order))
                continue
            }
            var pattern = chunk.old
            var new = chunk.new
            var found = PatchSeek.seek(lines, pattern, from: index, endOfFile: chunk.endOfFile)
            if found == nil, pattern.last?.isEmpty == true {
                // A last empty old line stands for the file's final newline: try without it.
                pattern.removeLast()
                if new.last?.isEmpty == true { new.removeLast() }
                found = PatchSeek.seek(lines, pattern, from: index, endOfFile: chunk.endOfFile)
            }
            guard let at = found else {
                let shown = chunk.old.map {
                    "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
                }
                return .failure(Failure("Failed to find expected lines [\(shown.joined(separator: ", "))] in \(path)"))
            }
            replacements.append((at, pattern.count, new, order))
            index = at + pattern.count
        }
        replacements.sort { ($0.start, $0.order) < ($1.start, $1.order) }
        file.apply(replacements.map { ($0.start, $0.count, $0.new) })
        return .success(file.bytes)
    }

    /// Why Codex would refuse or fail the patch, in its own words.
    struct Failure: Error, Equatable, CustomStringConvertible {
        package var description: String
        package init(_ description: String) { self.description = description }
    }
}
