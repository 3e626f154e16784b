import ToolSemantics
import Trace

/// What an OpenCode `read` showed the model, checked against the replayed file.
///
/// The output names the file and its lines, numbered: `<path>…</path>`, `<type>file</type>`,
/// `<content>` and `N: text` per line (1.x; before, `<file>` and `00001| text`), then a note —
/// `(End of file - total N lines)`, `(Showing lines A-B of N. …)`, `(File has more lines. …)` —
/// and `</content>`. Lines longer than 2000 characters are shown cut short. A directory
/// (`<type>directory</type>`) lists entries and is not checked; `File not found` is.
enum OpenCodeRead {
    static let lineLimit = 2000

    static func check(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let file = span.input?["filePath"]?.stringValue else { return .served }
        let path: RepoPath
        switch context.map(file, span: span) {
        case .failure: return Outcome(verdict: .served, note: "outside the repo: not checked")
        case .success(let p): path = p
        }
        var outcome = Outcome(verdict: .served, paths: [path])
        let current = try context.workspace.read(path)
        if span.status == .error {
            if (ReplayContext.recordedError(span) ?? "").contains("File not found"), current != nil {
                outcome.drift.append(context.present(path, recorded: "(no file)"))
            }
            outcome.synced = []
            return outcome
        }
        guard span.status == .ok, let text = span.output?.stringValue, let seen = lines(text) else {
            outcome.synced = []
            return outcome
        }
        guard let current else {
            outcome.drift.append(context.missing(path, recorded: "(file read)"))
            return outcome
        }
        if var d = compare(seen, with: current, path: path) {
            d.suspects = context.suspects(path)
            outcome.drift.append(d)
        }
        return outcome
    }

    /// The numbered lines of a file's read, or nil when the output shows none (a directory,
    /// an image, an empty file).
    static func lines(_ text: String) -> [(number: Int, text: Substring)]? {
        guard !text.contains("<type>directory</type>") else { return nil }
        let all = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Substring($0) }
        guard var i = all.firstIndex(where: { $0.hasPrefix("<content>") || $0 == "<file>" }) else { return nil }
        var out: [(Int, Substring)] = []
        var first = all[i].hasPrefix("<content>") ? all[i].dropFirst("<content>".count) : ""
        if first.isEmpty { i += 1; first = i < all.count ? all[i] : "" }
        var line = first
        while true {
            guard let (n, rest) = numbered(line), out.isEmpty || n == out[out.count - 1].0 + 1 else { break }
            out.append((n, rest))
            i += 1
            guard i < all.count else { break }
            line = all[i]
        }
        return out.isEmpty ? nil : out
    }

    /// `"12: text"` or `"00012| text"` → (12, "text").
    static func numbered(_ line: Substring) -> (Int, Substring)? {
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 9, let n = Int(digits) else { return nil }
        let rest = line.dropFirst(digits.count)
        if rest.hasPrefix(": ") { return (n, rest.dropFirst(2)) }
        if rest == ":" { return (n, "") }
        if rest.hasPrefix("| ") { return (n, rest.dropFirst(2)) }
        return nil
    }

    /// The first shown line that differs from the replayed file, as drift.
    static func compare(_ seen: [(number: Int, text: Substring)], with file: [UInt8], path: RepoPath) -> Drift? {
        let bytes = Bytes.normalisingCRLF(file)
        let fileLines = ReadResult.lineRanges(bytes)
        for (number, raw) in seen {
            var shown = raw
            if shown.hasSuffix("\r") { shown = shown.dropLast() }
            guard number >= 1, number - 1 < fileLines.count else {
                return Drift(kind: .observation, path: path.value, line: number, recorded: String(shown.prefix(300)), replayed: nil)
            }
            let actual = String(decoding: bytes[fileLines[number - 1]], as: UTF8.self)
            if actual == shown { continue }
            // Cut short: the first 2000 UTF-16 units, then OpenCode's marker.
            let units = Array(actual.utf16)
            if units.count > lineLimit, shown.utf16.starts(with: units.prefix(lineLimit)) { continue }
            if Redaction.lineMatches(recorded: shown.utf8, replayed: actual.utf8) { continue }
            return Drift(
                kind: .observation, path: path.value, line: number, recorded: String(shown.prefix(300)), replayed: String(actual.prefix(300)))
        }
        return nil
    }
}
