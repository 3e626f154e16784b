/// OpenCode's `edit` tool (`packages/opencode/src/tool/edit.ts`), as it changes a file. Text
/// is handled as JavaScript handles it: UTF-16 code units, JavaScript's whitespace.
///
/// - `oldString` equal to `newString` is refused; an empty `oldString` writes `newString` as
///   the whole file (created or not);
/// - a missing file, or a directory, is refused;
/// - `oldString` and `newString` take the file's line ending (`\r\n` when the file has one);
/// - `replace` tries, in order, the exact text and then OpenCode's fallback replacers (lines
///   matched trimmed, a block matched by its first and last lines, whitespace collapsed,
///   indentation removed, escapes undone, the text trimmed, a block matched by context). The
///   first candidate found in the file wins when it occurs once, or for every occurrence
///   with `replaceAll` (`String.prototype.replaceAll`, whose `$&`, `` $` ``, `$'` and `$$` in
///   `newString` are patterns); a candidate found more than once is passed over. Nothing
///   found: "Could not find oldString…"; only repeated candidates: "Found multiple matches…".
///
/// After writing, OpenCode runs any formatter configured for the file; replay cannot.
package enum OpenCodeEdit {
    package typealias Text = [UInt16]

    /// Throws `ReplayLimits.Exceeded` when the result would be larger than a file may be
    /// (`replaceAll` with a longer string, or with `$'`, which repeats the rest of the file at
    /// every occurrence), before building it.
    package static func apply(
        to content: [UInt8]?, old: String, new: String, replaceAll: Bool, isDirectory: Bool, path: String,
        limits: ReplayLimits = .current
    ) throws(ReplayLimits.Exceeded) -> FileEdit {
        if old == new { return .failure("No changes to apply: oldString and newString are identical.") }
        if old.isEmpty { return .write(Array(new.utf8)) }
        guard let content else { return .failure("File \(path) not found") }
        if isDirectory { return .failure("Path is a directory, not a file: \(path)") }
        if replaceAll, let edit = try literalReplaceAll(content, old: old, new: new, limits: limits, path: path) { return edit }
        let text = Text(String(decoding: content, as: UTF8.self).utf16)
        let crlf = Self.contains(text, [0x0D, 0x0A])
        func ending(_ s: String) -> Text {
            let lf = Self.replacingAll(Text(s.utf16), [0x0D, 0x0A], with: [0x0A])
            return crlf ? Self.replacingAll(lf, [0x0A], with: [0x0D, 0x0A]) : lf
        }
        switch try replace(text, ending(old), ending(new), replaceAll: replaceAll, limits: limits, path: path) {
        case .success(let out): return .write(Array(String(decoding: out, as: UTF16.self).utf8))
        case .failure(let failure): return .failure(failure.message)
        }
    }

    package struct Failure: Error { package let message: String }

    /// `replaceAll` of a string found as it is, with no `$` pattern in the replacement, done on
    /// the UTF-8 bytes: what the first replacer (`simple`) and `jsReplaceAll` make of it, the
    /// same scalars, without the file's UTF-16 copy and code-unit search (a refused span of an
    /// 8 MiB file took half a second that way). `nil` when another path must decide: the file
    /// is not valid UTF-8, the string is not in it as it is, or the replacement has a `$`.
    static func literalReplaceAll(
        _ content: [UInt8], old: String, new: String, limits: ReplayLimits, path: String
    ) throws(ReplayLimits.Exceeded) -> FileEdit? {
        guard !new.utf8.contains(0x24), Bytes.isValidUTF8(content) else { return nil }
        let crlf = Bytes.contains([0x0D, 0x0A], in: content)
        func ending(_ s: String) -> [UInt8] {
            let lf = Bytes.normalisingCRLF(Array(s.utf8))
            return crlf ? Bytes.usingCRLF(lf) : lf
        }
        let search = ending(old), replacement = ending(new)
        let offsets = Bytes.occurrences(of: search, in: content)
        guard !offsets.isEmpty else { return nil }
        try limits.checkFile(
            path, size: Bytes.sizeAfterReplacing(offsets.count, length: search.count, with: replacement.count, in: content.count))
        return .write(Bytes.replacing(offsets, length: search.count, with: replacement, in: content))
    }

    static func replace(
        _ content: Text, _ old: Text, _ new: Text, replaceAll: Bool,
        limits: ReplayLimits = .current, path: String = "the file"
    ) throws(ReplayLimits.Exceeded) -> Result<Text, Failure> {
        var notFound = true
        for replacer in OpenCodeReplacers.all {
            for search in replacer(content, old) {
                guard let index = firstIndex(of: search, in: content) else { continue }
                notFound = false
                if replaceAll { return .success(try jsReplaceAll(content, search, new, limits: limits, path: path)) }
                if lastIndex(of: search, in: content) != index { continue }
                return .success(Array(content[..<index]) + new + Array(content[(index + search.count)...]))
            }
        }
        if notFound {
            return .failure(
                Failure(message: "Could not find oldString in the file. It must match exactly, including whitespace, indentation, and line endings."))
        }
        return .failure(Failure(message: "Found multiple matches for oldString. Provide more surrounding context to make the match unique."))
    }

    // MARK: JavaScript string operations on UTF-16 code units

    static func firstIndex(of needle: Text, in hay: Text, from start: Int = 0) -> Int? {
        if needle.isEmpty { return min(start, hay.count) }
        guard needle.count <= hay.count else { return nil }
        var i = start
        while i + needle.count <= hay.count {
            if hay[i] == needle[0], hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    static func lastIndex(of needle: Text, in hay: Text) -> Int? {
        if needle.isEmpty { return hay.count }
        guard needle.count <= hay.count else { return nil }
        var i = hay.count - needle.count
        while i >= 0 {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }

    static func contains(_ hay: Text, _ needle: Text) -> Bool { firstIndex(of: needle, in: hay) != nil }

    /// Every occurrence replaced literally.
    static func replacingAll(_ hay: Text, _ needle: Text, with replacement: Text) -> Text {
        var out: Text = []
        var i = 0
        while let at = firstIndex(of: needle, in: hay, from: i), !needle.isEmpty {
            out += hay[i..<at]
            out += replacement
            i = at + needle.count
        }
        out += hay[i...]
        return out
    }

    /// `hay.replaceAll(search, replacement)`: every occurrence (an empty `search` matches
    /// between every two code units and at both ends), with `$$`, `$&`, `` $` `` and `$'` in
    /// the replacement read as patterns.
    static func jsReplaceAll(
        _ hay: Text, _ search: Text, _ replacement: Text,
        limits: ReplayLimits = .current, path: String = "the file"
    ) throws(ReplayLimits.Exceeded) -> Text {
        var positions: [Int] = []
        if search.isEmpty {
            positions = Array(0...hay.count)
        } else {
            var i = 0
            while let at = firstIndex(of: search, in: hay, from: i) {
                positions.append(at)
                i = at + search.count
            }
        }
        // The size first (each code unit is at least a byte of UTF-8), from what each pattern
        // of the replacement adds at a position: nothing is built past the limit.
        let (fixed, matched, before, after) = patternCounts(replacement)
        var size = hay.count - positions.count * search.count
        for at in positions {
            let rest = max(0, hay.count - at - search.count)
            size = size.saturatingAdd(fixed).saturatingAdd(matched.saturatingMultiply(search.count))
                .saturatingAdd(before.saturatingMultiply(at)).saturatingAdd(after.saturatingMultiply(rest))
            if size > limits.fileBytes { break }
        }
        try limits.checkFile(path, size: size)
        var out: Text = []
        var last = 0
        for at in positions {
            out += hay[last..<at]
            out += substitution(replacement, matched: search, at: at, in: hay)
            last = at + search.count
        }
        out += hay[last...]
        return out
    }

    /// What `substitution` makes of `replacement`: its literal code units, and how many
    /// times it holds `$&`, `` $` `` and `$'`.
    static func patternCounts(_ replacement: Text) -> (fixed: Int, matched: Int, before: Int, after: Int) {
        let dollar: UInt16 = 0x24
        var counts = (fixed: 0, matched: 0, before: 0, after: 0)
        var i = 0
        while i < replacement.count {
            if replacement[i] == dollar, i + 1 < replacement.count {
                switch replacement[i + 1] {
                case dollar: counts.fixed += 1; i += 2; continue
                case 0x26: counts.matched += 1; i += 2; continue
                case 0x60: counts.before += 1; i += 2; continue
                case 0x27: counts.after += 1; i += 2; continue
                default: break
                }
            }
            counts.fixed += 1
            i += 1
        }
        return counts
    }

    /// GetSubstitution (ECMA-262) for a string pattern: no capture groups.
    static func substitution(_ replacement: Text, matched: Text, at position: Int, in hay: Text) -> Text {
        let dollar: UInt16 = 0x24
        guard replacement.contains(dollar) else { return replacement }
        var out: Text = []
        var i = 0
        while i < replacement.count {
            let c = replacement[i]
            if c == dollar, i + 1 < replacement.count {
                switch replacement[i + 1] {
                case dollar: out.append(dollar); i += 2; continue
                case 0x26: out += matched; i += 2; continue  // $&
                case 0x60: out += hay[..<position]; i += 2; continue  // $`
                case 0x27: out += hay[min(hay.count, position + matched.count)...]; i += 2; continue  // $'
                default: break
                }
            }
            out.append(c)
            i += 1
        }
        return out
    }
}
