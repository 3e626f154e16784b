/// The error text a failed tool call records, shortened to its first line: what replay notes
/// beside a failed call, and what the shell-call rules (`ShellEnding`) match refusals
/// against. Each agent words it in its own place; these are its readers.
package enum RecordedError {
    /// The recorded error of a failed span: its text output (or the first text block), else
    /// its details as text; `<tool_use_error>` tags and a leading `Error: ` dropped.
    package static func first(_ span: Span) -> String? {
        var text: String?
        switch span.output {
        case .string(let s)?: text = s
        case .array(let blocks)?: text = blocks.compactMap { $0["text"]?.stringValue }.first
        default: text = span.details?.stringValue
        }
        guard var t = text else { return nil }
        for tag in ["<tool_use_error>", "</tool_use_error>"] { t = t.replacingOccurrences(of: tag, with: "") }
        if t.hasPrefix("Error: ") { t.removeFirst(7) }
        // Split on the byte: Swift reads "\r\n" as one Character, which "\n" does not match.
        let first = t.utf8.split(separator: 0x0A, maxSplits: 1).first.map { String(decoding: $0, as: UTF8.self) } ?? t
        return shortened(first)
    }

    /// Codex's: the first line of `stderr`, else of the output after its `Output:` preamble.
    package static func codex(_ span: Span) -> String? {
        if let stderr = span.details?["stderr"]?.stringValue, let line = firstLine(stderr) { return line }
        guard let output = span.output?.stringValue else { return first(span) }
        var text = Substring(output)
        // A byte search: Foundation's `range(of:)` goes through CFString on Linux (9% of the
        // instructions of indexing a Codex rollout whose calls fail half the time).
        if let range = text.firstUTF8Range(of: "\nOutput:\n") { text = text[range.upperBound...] }
        return firstLine(String(text)) ?? first(span)
    }

    /// OpenHands': the first line of the observation (after the editor's `ERROR:`), trimmed.
    package static func openHands(_ span: Span) -> String? {
        guard var text = span.output?.stringValue else { return nil }
        if text.hasPrefix("ERROR:") { text.removeFirst(6) }
        let line = text.utf8.split(separator: 0x0A).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let trimmed = trimmingSpace(line)
        guard !trimmed.isEmpty else { return nil }
        return shortened(trimmed)
    }

    /// The first line of `s` (without a `\r`), nil when it is empty.
    package static func firstLine(_ s: String) -> String? {
        guard let bytes = s.utf8.split(separator: 0x0A).first else { return nil }
        let line = String(decoding: bytes.last == 0x0D ? bytes.dropLast() : bytes, as: UTF8.self)
        guard !line.isEmpty else { return nil }
        return shortened(line)
    }

    /// `s` without the whitespace Python's `str.strip()` removes at either end (Unicode
    /// whitespace and the separators U+001C to U+001F).
    package static func trimmingSpace(_ s: String) -> String {
        func isSpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace || (0x1C...0x1F).contains(c.value) }
        var scalars = Substring(s).unicodeScalars[...]
        while let first = scalars.first, isSpace(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, isSpace(last) { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    static func shortened(_ line: String) -> String { line.hasMoreCharacters(than: 200) ? String(line.prefix(characters: 200)) + "…" : line }
}
