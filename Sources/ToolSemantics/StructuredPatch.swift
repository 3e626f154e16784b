import Trace

/// Claude Code's record of what an edit did: `structuredPatch`, jsdiff hunks
/// (`oldStart`, `oldLines`, `newStart`, `newLines`, `lines` prefixed ` `, `-`, `+`, or
/// `\ No newline at end of file`). Applying it to the recorded `originalFile` gives the file
/// as the agent's tool wrote it: the after-image replay checks its own result against.
package enum StructuredPatch {
    /// The patched text, or nil when the hunks do not apply to `original` (a log that does not
    /// agree with itself is no evidence either way).
    package static func apply(_ hunks: [JSON], to original: [UInt8]) -> [UInt8]? {
        var lines = original.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        var endsWithNewline = true
        if lines.last == [] { lines.removeLast() } else { endsWithNewline = original.isEmpty }
        var delta = 0
        for hunk in hunks {
            guard let oldStart = hunk["oldStart"]?.intValue, let oldCount = hunk["oldLines"]?.intValue,
                let body = hunk["lines"]?.arrayValue
            else { return nil }
            // An empty old range (a file that was empty) starts at 0 or 1 depending on the jsdiff
            // version: both mean "before the first line" there.
            var at = oldCount == 0 ? min(Int(oldStart), lines.count) : Int(oldStart) - 1
            at = max(0, at + delta)
            var previous: Character? = nil
            for entry in body {
                guard let text = entry.stringValue, let tag = text.first else { return nil }
                let content = Array(text.utf8.dropFirst())
                switch tag {
                case " ":
                    guard at < lines.count, lines[at] == content else { return nil }
                    at += 1
                case "-":
                    guard at < lines.count, lines[at] == content else { return nil }
                    lines.remove(at: at)
                    delta -= 1
                case "+":
                    guard at <= lines.count else { return nil }
                    lines.insert(content, at: at)
                    at += 1
                    delta += 1
                case "\\":
                    // The line before has no newline: in the new file unless it was removed.
                    if previous == "+" || previous == " " { if at == lines.count { endsWithNewline = false } }
                    if previous == "-" && at == lines.count { endsWithNewline = true }
                    continue
                default:
                    return nil
                }
                previous = tag
            }
        }
        var out: [UInt8] = []
        for (i, line) in lines.enumerated() {
            out += line
            if i < lines.count - 1 || endsWithNewline { out.append(0x0A) }
        }
        return out
    }
}
