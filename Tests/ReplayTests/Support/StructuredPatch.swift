import ToolSemantics
import Trace

/// Applies a Claude Code `structuredPatch` (jsdiff hunks: `oldStart`, `oldLines`, and
/// `lines` prefixed ` `, `-`, `+`, with `\ No newline at end of file` markers) to the
/// recorded before-image: what the agent's own record says the file became. Context and
/// removed lines are checked against the before-image, so a patch that does not fit it is
/// an error, not a guess.
enum StructuredPatch {
    struct Misfit: Error, CustomStringConvertible {
        var description: String
    }

    static func apply(_ hunks: [JSON], to original: String) throws -> String {
        // The before-image as lines, each with whether a newline ends it.
        var parts = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let endsWithNewline = original.hasSuffix("\n")
        if parts.last == "" { parts.removeLast() }
        let old = parts.enumerated().map { ($0.element, $0.offset < parts.count - 1 || endsWithNewline) }
        var out: [(String, Bool)] = []
        var cursor = 0
        for (h, hunk) in hunks.enumerated() {
            guard let oldStart = hunk["oldStart"]?.intValue, let lines = hunk["lines"]?.arrayValue?.compactMap(\.stringValue) else {
                throw Misfit(description: "hunk \(h) lacks oldStart or lines")
            }
            let start = max(0, Int(oldStart) - 1)
            guard start >= cursor, start <= old.count else { throw Misfit(description: "hunk \(h) starts at \(oldStart), cursor \(cursor)") }
            out += old[cursor..<start]
            cursor = start
            for (j, line) in lines.enumerated() {
                let text = String(line.dropFirst())
                let markedNoNewline = j + 1 < lines.count && lines[j + 1].hasPrefix("\\")
                switch line.first {
                case " ", "-":
                    guard cursor < old.count, old[cursor].0 == text else {
                        throw Misfit(
                            description: "hunk \(h) line \(j) \(line.debugDescription) does not match line \(cursor + 1) of the before-image")
                    }
                    if line.first == " " { out.append(old[cursor]) }
                    cursor += 1
                case "+":
                    out.append((text, !markedNoNewline))
                case "\\":
                    continue
                default:
                    throw Misfit(description: "hunk \(h) line \(j) has no prefix: \(line.debugDescription)")
                }
            }
        }
        out += old[cursor...]
        return out.map { $0.0 + ($0.1 ? "\n" : "") }.joined()
    }
}
