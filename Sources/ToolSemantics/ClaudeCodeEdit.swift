/// Claude Code's string replacement, as its `Edit` and `MultiEdit` tools apply it: exact
/// match on the file's text (CRLF read as LF and written back as CRLF), unique unless
/// `replace_all`, an empty `old_string` creates a file, and deleting a string that ends a line
/// also deletes that line's newline.
package enum ClaudeCodeEdit {
    package struct Replacement {
        package var old: [UInt8]
        var new: [UInt8]
        var replaceAll: Bool

        package init(old: [UInt8], new: [UInt8], replaceAll: Bool) {
            self.old = old
            self.new = new
            self.replaceAll = replaceAll
        }
    }

    /// Applies `edits` in order to `content` (nil: the file does not exist), all or nothing.
    /// Throws `ReplayLimits.Exceeded` before building a result larger than a file may be.
    ///
    /// With `redacted`, an old string that holds `REDACTED` and is not in the file as it is
    /// may match with each `REDACTED` standing for what the log's keeper removed
    /// (`Redaction.occurrences`): the caller says the result rests on that reading.
    package static func apply(
        _ edits: [Replacement], to content: [UInt8]?, path: String = "the file", limits: ReplayLimits = .current, redacted: Bool = false
    )
        throws(ReplayLimits.Exceeded) -> FileEdit
    {
        let crlf = content.map { Bytes.contains([0x0D, 0x0A], in: $0) } ?? false
        var text = content.map(Bytes.normalisingCRLF)
        for (i, edit) in edits.enumerated() {
            let which = edits.count > 1 ? "edit \(i + 1): " : ""
            if edit.old == edit.new {
                return .failure(which + "No changes to make: old_string and new_string are exactly the same.")
            }
            guard let current = text else {
                if edit.old.isEmpty { text = edit.new; continue }
                return .failure(which + "File does not exist.")
            }
            if edit.old.isEmpty {
                if current.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) {
                    text = edit.new
                    continue
                }
                return .failure(which + "Cannot create new file - file already exists.")
            }
            var needle = edit.old
            // Deleting text that ends a line takes the line's newline with it.
            if edit.new.isEmpty, edit.old.last != 0x0A, Bytes.contains(edit.old + [0x0A], in: current) {
                needle = edit.old + [0x0A]
            }
            // With `replace_all` and a longer string, count no further than the file limit
            // allows (a file of 16 MiB of `a` holds 16 Mi occurrences: their offsets alone
            // would take 128 MiB).
            var most = Int.max
            if edit.replaceAll, edit.new.count > needle.count {
                most = max(1, (limits.fileBytes - current.count) / (edit.new.count - needle.count) + 1)
            }
            let found = Bytes.occurrences(of: edit.old, in: current, limit: most)
            if found.isEmpty, redacted, let ranges = Redaction.occurrences(of: edit.old, in: current, limit: edit.replaceAll ? most : 2),
                !ranges.isEmpty
            {
                if ranges.count > 1 && !edit.replaceAll {
                    return .failure(which + "Found \(ranges.count) matches of the string to replace, but replace_all is false.")
                }
                let removed = ranges.reduce(0) { $0 + $1.count }
                try limits.checkFile(path, size: current.count - removed + ranges.count.saturatingMultiply(edit.new.count))
                var out: [UInt8] = []
                var at = 0
                for range in ranges {
                    out += current[at..<range.lowerBound]
                    out += edit.new
                    at = range.upperBound
                }
                out += current[at...]
                text = out
                continue
            }
            if found.isEmpty { return .failure(which + "String to replace not found in file.") }
            if found.count > 1 && !edit.replaceAll {
                return .failure(which + "Found \(found.count) matches of the string to replace, but replace_all is false.")
            }
            let at = needle == edit.old ? found : Bytes.occurrences(of: needle, in: current)
            let offsets = edit.replaceAll ? at : [at[0]]
            // `replace_all` with a longer string multiplies: checked before it is built.
            try limits.checkFile(path, size: Bytes.sizeAfterReplacing(offsets.count, length: needle.count, with: edit.new.count, in: current.count))
            text = Bytes.replacing(offsets, length: needle.count, with: edit.new, in: current)
        }
        guard let result = text else { return .failure("File does not exist.") }
        return .write(crlf ? Bytes.usingCRLF(result) : result)
    }
}
