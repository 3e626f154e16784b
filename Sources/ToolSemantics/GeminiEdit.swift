/// Gemini CLI's `replace` tool (`packages/core/src/tools/edit.ts`, `calculateEdit`), as it
/// changes a file:
///
/// - the file is read as text with its `\r\n` turned into `\n`, and written back so;
/// - an empty `old_string` on a missing file creates it with `new_string`; on an existing
///   file it is refused;
/// - otherwise `old_string` is counted in the file (non-overlapping, as
///   `content.split(old).length - 1` counts); the count must be `expected_replacements`
///   (1 when not given), else nothing is written; `old_string` equal to `new_string` is
///   refused;
/// - every occurrence is replaced, literally (`$` sequences in `new_string` are not patterns).
///
/// The tool may first have asked a model to correct an `old_string` it could not find
/// (`ensureCorrectEdit`); replay has only the call's arguments, so a corrected edit fails here.
package enum GeminiEdit {
    package static func apply(to content: [UInt8]?, old: String, new: String, expected: Int64, path: String, limits: ReplayLimits = .current)
        throws(ReplayLimits.Exceeded) -> FileEdit
    {
        let oldBytes = Array(old.utf8)
        guard let raw = content else {
            if oldBytes.isEmpty { return .write(Array(new.utf8)) }
            return .failure("File not found: \(path)")
        }
        let text = Bytes.normalisingCRLF(raw)
        if oldBytes.isEmpty { return .failure("File already exists, cannot create: \(path)") }
        // Counted no further than the file limit allows (see ClaudeCodeEdit).
        let grows = new.utf8.count > oldBytes.count
        let most = grows ? max(1, (limits.fileBytes - text.count) / (new.utf8.count - oldBytes.count) + 1) : Int.max
        let found = Bytes.occurrences(of: oldBytes, in: text, limit: most)
        if grows, found.count >= most {
            // So many that replacing them all would pass the limit, whatever was expected.
            try limits.checkFile(path, size: Bytes.sizeAfterReplacing(found.count, length: oldBytes.count, with: new.utf8.count, in: text.count))
        }
        if found.isEmpty {
            return .failure("Failed to edit, 0 occurrences found for old_string in \(path). No edits made.")
        }
        if Int64(found.count) != expected {
            let term = expected == 1 ? "occurrence" : "occurrences"
            return .failure("Failed to edit, Expected \(expected) \(term) but found \(found.count) for old_string in file: \(path)")
        }
        if old == new {
            return .failure("No changes to apply. The old_string and new_string are identical in file: \(path)")
        }
        // `expected_replacements` with a longer string multiplies: checked before it is built.
        try limits.checkFile(path, size: Bytes.sizeAfterReplacing(found.count, length: oldBytes.count, with: new.utf8.count, in: text.count))
        return .write(Bytes.replacing(found, length: oldBytes.count, with: Array(new.utf8), in: text))
    }
}
