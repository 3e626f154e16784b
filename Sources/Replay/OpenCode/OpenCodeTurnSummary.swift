import ToolSemantics
import Trace

/// What an OpenCode turn changed, as OpenCode recorded it when the turn ended (the user
/// message's `summary.diffs`, which the importer puts in a `turn-summary` span after the turn),
/// checked against the replayed files. OpenCode works these out from snapshots of the whole
/// worktree, so they show what no tool call records: a formatter OpenCode ran after an edit,
/// a file a shell command wrote.
///
/// Per file: `status` `deleted` means no file; otherwise the file's content `after` the turn
/// (1.2), or a unified diff `patch` whose new side (every context and added line at its
/// place) is compared (1.18). Only the first difference is reported.
enum OpenCodeTurnSummary {
    /// The importer's name for the span (`OpenCodeMessages.turnSummaryTool`).
    static let tool = "turn-summary"

    static func check(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        var outcome = Outcome(verdict: .served)
        outcome.synced = []
        for entry in span.input?["diffs"]?.arrayValue ?? [] {
            guard let file = entry["file"]?.stringValue, case .success(let path) = context.map(file, span: span) else { continue }
            let current = try context.workspace.read(path)
            if let d = compare(entry, current: current, path: path) {
                var d = d
                d.suspects = context.suspects(path)
                outcome.paths.append(path)
                outcome.drift.append(d)
                break
            }
        }
        return outcome
    }

    static func compare(_ entry: JSON, current: [UInt8]?, path: RepoPath) -> Drift? {
        if entry["status"]?.stringValue == "deleted" {
            return current == nil ? nil : Drift(kind: .existence, path: path.value, recorded: "(deleted in the turn)", replayed: "(file exists)")
        }
        guard let current else {
            return Drift(kind: .existence, path: path.value, recorded: "(changed in the turn)", replayed: "(no file)")
        }
        if let after = entry["after"]?.stringValue {
            return Drift.compare(recorded: Array(after.utf8), replayed: current, kind: .afterImage, path: path.value)
        }
        guard let patch = entry["patch"]?.stringValue else { return nil }
        let lines = Array(patch.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
        guard let first = lines.firstIndex(where: { $0.starts(with: Array("@@ ".utf8)) }),
            let (hunks, _) = UnifiedDiff.parseHunks(Array(lines), from: first)
        else { return nil }
        let file = UnifiedDiff.split(current).lines
        for hunk in hunks {
            var number = hunk.newStart
            for line in hunk.lines where line.tag != UInt8(ascii: "-") {
                let index = number - 1
                guard index >= 0, index < file.count else {
                    return Drift(
                        kind: .afterImage, path: path.value, line: number, recorded: String(decoding: line.text.prefix(300), as: UTF8.self),
                        replayed: nil)
                }
                if !file[index].elementsEqual(line.text) {
                    return Drift(
                        kind: .afterImage, path: path.value, line: number, recorded: String(decoding: line.text.prefix(300), as: UTF8.self),
                        replayed: String(decoding: file[index].prefix(300), as: UTF8.self))
                }
                number += 1
            }
        }
        return nil
    }
}
