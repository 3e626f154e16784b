import Foundation
/// A window SWE-agent 0.x printed (`_print` in `config/commands/defaults.sh`), read from an
/// observation, and its check against the file replay holds:
///
///     [File: /repo/x.py (372 lines total)]
///     (272 more lines above)
///     273:    text of line 273
///     …
///     (3 more lines below)
///
/// (`grep -n $` numbers the lines, the file's text after the colon as it is). An observation
/// may hold several windows: a refused `edit` prints the file as the edit would have left it,
/// then as it is.
package struct SWEAgentWindowView: Equatable {
    var path: String
    var total: Int
    var above: Int
    var below: Int
    /// The numbered lines shown, in order (consecutive).
    var lines: [(number: Int, text: [UInt8])]

    package static func == (a: Self, b: Self) -> Bool {
        a.path == b.path && a.total == b.total && a.above == b.above && a.below == b.below
            && a.lines.map(\.number) == b.lines.map(\.number) && a.lines.map(\.text) == b.lines.map(\.text)
    }

    /// The first and last line numbers shown (nil: none).
    var range: ClosedRange<Int>? { lines.first.map { $0.number...lines.last!.number } }

    /// Every window in `observation`, in order.
    package static func all(in observation: String) -> [SWEAgentWindowView] {
        // A terminal's `\r\n` (the header line ends so) is a line end; else a `\r` is the file's.
        var bytes = Array(observation.utf8)
        if observation.contains("lines total)]\r\n") { bytes = Bytes.normalisingCRLF(bytes) }
        let rows = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        var views: [SWEAgentWindowView] = []
        var i = 0
        while i < rows.count {
            guard let (path, total) = header(rows[i]) else { i += 1; continue }
            var view = SWEAgentWindowView(path: path, total: total, above: 0, below: 0, lines: [])
            i += 1
            if i < rows.count, let n = note(rows[i], "above") { view.above = n; i += 1 }
            while i < rows.count, let (n, text) = numbered(rows[i]), view.lines.last.map({ n == $0.number + 1 }) ?? true {
                view.lines.append((n, text))
                i += 1
            }
            if i < rows.count, let n = note(rows[i], "below") { view.below = n; i += 1 }
            views.append(view)
        }
        return views
    }

    /// `[File: PATH (N lines total)]`.
    static func header(_ row: ArraySlice<UInt8>) -> (String, Int)? {
        let text = String(decoding: row, as: UTF8.self)
        guard text.hasPrefix("[File: "), text.hasSuffix(" lines total)]"), let open = text.range(of: " (", options: .backwards) else { return nil }
        let start = text.index(text.startIndex, offsetBy: 7)
        // `[File: (3 lines total)]`: the ` (` found is the prefix's own space, before the path.
        guard open.lowerBound >= start else { return nil }
        let path = String(text[start..<open.lowerBound])
        let count = text[open.upperBound...].dropLast(" lines total)]".count)
        guard let total = Int(count) else { return nil }
        return (path, total)
    }

    /// `(N more lines above)` / `(N more lines below)`.
    static func note(_ row: ArraySlice<UInt8>, _ side: String) -> Int? {
        let text = String(decoding: row, as: UTF8.self)
        let suffix = " more lines \(side))"
        guard text.hasPrefix("("), text.hasSuffix(suffix) else { return nil }
        return Int(text.dropFirst().dropLast(suffix.count))
    }

    /// `N:TEXT`.
    static func numbered(_ row: ArraySlice<UInt8>) -> (Int, [UInt8])? {
        guard let colon = row.firstIndex(of: UInt8(ascii: ":")), colon > row.startIndex,
            row[..<colon].allSatisfy({ (0x30...0x39).contains($0) }), row.distance(from: row.startIndex, to: colon) < 10,
            let n = Int(String(decoding: row[..<colon], as: UTF8.self))
        else { return nil }
        return (n, Array(row[(colon + 1)...]))
    }

    /// The first thing this window shows that the file `bytes` (at `path`) does not have, as
    /// drift: the line count, a line, or (when `expected` is given, where replay's window
    /// stands) which lines it shows.
    package func compare(with bytes: [UInt8], path: RepoPath, kind: Drift.Kind, expected: SWEAgentWindow.View? = nil) -> Drift? {
        let fileLines = SWEAgentLineEdit.lines(bytes)
        let replayedTotal = SWEAgentWindow.lineCount(bytes)
        if total != replayedTotal {
            return Drift(kind: kind, path: path.value, recorded: "(\(total) lines total)", replayed: "(\(replayedTotal) lines total)")
        }
        for line in lines {
            guard line.number >= 1, line.number <= fileLines.count else {
                return Drift(kind: kind, path: path.value, line: line.number, recorded: Self.show(line.text), replayed: nil)
            }
            let actual = Array(fileLines[line.number - 1])
            if actual != line.text {
                return Drift(kind: kind, path: path.value, line: line.number, recorded: Self.show(line.text), replayed: Self.show(actual))
            }
        }
        if let expected {
            let shown = expected.last >= expected.first ? "lines \(expected.first)–\(expected.last)" : "no lines"
            let recordedShown = range.map { "lines \($0.lowerBound)–\($0.upperBound)" } ?? "no lines"
            if recordedShown != shown || above != expected.above || below != expected.below {
                return Drift(
                    kind: kind, path: path.value, line: range?.lowerBound,
                    recorded: "the window showed \(recordedShown) (\(above) above, \(below) below)",
                    replayed: "the window shows \(shown) (\(expected.above) above, \(expected.below) below)")
            }
        }
        return nil
    }

    package static func show(_ bytes: [UInt8]) -> String {
        let s = String(decoding: bytes, as: UTF8.self)
        return s.count > 300 ? String(s.prefix(300)) + "…" : s
    }
}
