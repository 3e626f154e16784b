import Insight
import Replay
import Trace

/// What an edit call did to a file, read from its recorded input alone (no replay): the
/// path, and the lines it added and removed where the input says (nil where it does not:
/// a whole-file write removes lines the log never shows, a replace-all may match many times).
struct LoggedEffect: Equatable {
    var path: String
    var added: Int?
    var removed: Int?

    /// The effects of `span`, a tool call the log records as not failed; empty for a call that
    /// edits nothing. Paths are relative to `root` when below it, as `LoggedPaths` gives them.
    static func of(_ span: Span, root: String?) -> [LoggedEffect] {
        let paths = LoggedPaths.edited(by: span, root: root)
        guard !paths.isEmpty, let tool = span.toolName, let input = span.input else { return [] }
        func text(_ key: String) -> String? { input[key]?.stringValue }
        func diff(_ old: String?, _ new: String?, many: Bool) -> (Int?, Int?) {
            guard !many, let old, let new else { return (nil, nil) }
            let d = LineDiff(before: Array(old.utf8), after: Array(new.utf8), context: 0, limit: 0)
            return (d.added, d.removed)
        }
        var counts: (Int?, Int?) = (nil, nil)
        switch tool {
        case "Edit":
            counts = diff(text("old_string"), text("new_string"), many: input["replace_all"]?.boolValue == true)
        case "MultiEdit":
            var added = 0, removed = 0, known = true
            for edit in input["edits"]?.arrayValue ?? [] {
                let (a, r) = diff(edit["old_string"]?.stringValue, edit["new_string"]?.stringValue, many: edit["replace_all"]?.boolValue == true)
                if let a, let r { added += a; removed += r } else { known = false }
            }
            if known { counts = (added, removed) }
        case "replace":
            counts = diff(text("old_string"), text("new_string"), many: (input["expected_replacements"]?.intValue ?? 1) != 1)
        case "edit":
            counts = diff(text("oldString"), text("newString"), many: input["replaceAll"]?.boolValue == true)
        case "Write", "write_file", "write":
            counts = (text("content").map(lineCount), nil)
        default:
            if let patch = text("input") ?? text("patch") ?? text("patchText") ?? input.stringValue, paths.count >= 1, tool != "NotebookEdit" {
                return patchEffects(patch, root: root, paths: paths)
            }
        }
        return paths.map { LoggedEffect(path: $0, added: counts.0, removed: counts.1) }
    }

    /// Lines of `text` (a last line without a newline counts).
    static func lineCount(_ text: String) -> Int {
        if text.isEmpty { return 0 }
        var n = 0
        for b in text.utf8 where b == 0x0A { n += 1 }
        return text.utf8.last == 0x0A ? n : n + 1
    }

    /// Per file of an `apply_patch` patch: `+` and `-` lines of its hunks; a deleted file's
    /// removed lines are not in the patch (nil).
    static func patchEffects(_ patch: String, root: String?, paths: [String]) -> [LoggedEffect] {
        var effects: [LoggedEffect] = []
        var current: Int?
        for line in patch.splitLines(omittingEmptySubsequences: false) {
            if line.utf8.first == UInt8(ascii: "*"), line.hasPrefixBytesFirst("*** ") {
                current = nil
                for (marker, deleted) in [("*** Add File: ", false), ("*** Update File: ", false), ("*** Delete File: ", true)]
                where line.hasPrefixBytesFirst(marker) {
                    let path = LoggedPaths.relative(String(line.dropFirst(marker.count)).trimmingSpaces, to: root)
                    effects.append(LoggedEffect(path: path, added: deleted ? 0 : 0, removed: deleted ? nil : 0))
                    current = deleted ? nil : effects.count - 1
                }
                if line.hasPrefixBytesFirst("*** Move to: "), let i = effects.indices.last {
                    // A move's lines are counted on neither side: which file holds them is unsaid.
                    effects[i].added = nil
                    effects[i].removed = nil
                    let path = LoggedPaths.relative(String(line.dropFirst("*** Move to: ".count)).trimmingSpaces, to: root)
                    effects.append(LoggedEffect(path: path, added: nil, removed: nil))
                }
                continue
            }
            guard let i = current, effects[i].added != nil else { continue }
            if starts(line, with: "+") {
                effects[i].added! += 1
            } else if starts(line, with: "-"), effects[i].removed != nil {
                effects[i].removed! += 1
            }
        }
        // The patch's own reading (LoggedPaths) decides which files: keep its list and order.
        if effects.map(\.path) != paths { return paths.map { LoggedEffect(path: $0, added: nil, removed: nil) } }
        return effects
    }

    /// `line.hasPrefix(mark)` for a one-byte ASCII mark (`+`, `-`) by the line's first bytes: the
    /// mark's byte followed by an ASCII byte or nothing is the mark's character (no ASCII byte
    /// after it joins it, and no other character is equivalent to it); a mark followed by
    /// anything else is left to `hasPrefix` (a combining mark makes another character of it).
    /// Each line of a patch was compared as characters, most of its cost in the index.
    static func starts(_ line: Substring, with mark: Unicode.Scalar) -> Bool {
        var bytes = line.utf8.makeIterator()
        guard bytes.next() == UInt8(mark.value) else { return false }
        guard let next = bytes.next(), next >= 0x80 else { return true }
        return line.hasPrefix(String(mark))
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return String(s)
    }
}
