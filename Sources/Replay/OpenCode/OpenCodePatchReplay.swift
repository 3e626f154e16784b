import ToolSemantics
import Trace

/// OpenCode's `apply_patch` replayed: every file's change is worked out from the files as they
/// were before the call (OpenCode verifies them all first, each reading the file as it is on
/// disk, so two hunks on one file do not see each other), then written in order: added and
/// updated files written (moved ones at their new path, the old removed), deleted ones
/// removed. A failure in the verification writes nothing.
///
/// The recorded `metadata.files` (1.2: `before` and `after` of each file) are checked against
/// what replay held and wrote.
extension OpenCodeDialect {
    struct PatchChange {
        var path: RepoPath
        var before: [UInt8]?
        /// nil: the file is removed.
        var after: [UInt8]?
        var moveTo: RepoPath?
    }

    func applyPatch(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let text = string(span.input, "patchText") else {
            return Outcome(verdict: span.status == .error ? .failedAsRecorded : .mismatch, note: "input has no patchText")
        }
        if span.status == .unset { return Outcome(verdict: .noResult, note: "the log has no result for this call; not applied") }
        var changes: [PatchChange] = []
        var failure: String?
        var hunks: [OpenCodePatch.Hunk] = []
        do throws(OpenCodePatch.Failure) {
            hunks = try OpenCodePatch.parse(text).hunks
            if hunks.isEmpty { failure = "apply_patch verification failed: no hunks found" }
        } catch {
            failure = "apply_patch verification failed: Error: \(error.message)"
        }
        do {
            for hunk in hunks where failure == nil {
                let path: RepoPath
                switch context.map(hunk.path, span: span) {
                case .failure(let refusal): return context.refusal(refusal, span: span)
                case .success(let p): path = p
                }
                if let refused = try context.refusalToWrite(path, span: span) { return refused }
                let entry = try context.workspace.entry(path)
                var current: [UInt8]?
                if case .file(let bytes, _) = entry { current = bytes }
                switch hunk {
                case .add(_, let contents):
                    let content = contents.isEmpty || contents.hasSuffix("\n") ? contents : contents + "\n"
                    changes.append(PatchChange(path: path, before: current, after: Array(content.utf8)))
                case .delete:
                    guard current != nil else {
                        failure = "apply_patch verification failed: ENOENT: no such file or directory, open '\(hunk.path)'"; break
                    }
                    changes.append(PatchChange(path: path, before: current, after: nil))
                case .update(_, let moveTo, let chunks):
                    guard let current else { failure = "apply_patch verification failed: Failed to read file to update: \(hunk.path)"; break }
                    switch OpenCodePatch.update(String(decoding: current, as: UTF8.self), chunks: chunks, path: hunk.path) {
                    case .failure(let f): failure = "apply_patch verification failed: Error: \(f.message)"
                    case .success(let new):
                        var change = PatchChange(path: path, before: current, after: Array(new.utf8))
                        if let moveTo {
                            switch context.map(moveTo, span: span) {
                            case .failure(let refusal): return context.refusal(refusal, span: span)
                            case .success(let p):
                                if let refused = try context.refusalToWrite(p, span: span) { return refused }
                                change.moveTo = p
                            }
                        }
                        changes.append(change)
                    }
                }
            }
        }
        let paths = changes.flatMap { [$0.path] + ($0.moveTo.map { [$0] } ?? []) }
        switch (span.status, failure) {
        case (.error, _?):
            return Outcome(verdict: .failedAsRecorded, paths: paths, note: ReplayContext.recordedError(span))
        case (.error, nil):
            let message = ReplayContext.recordedError(span) ?? "failed"
            return Outcome(verdict: .mismatch, paths: paths, note: "recorded as failed (\(message)), but it succeeds on replay")
        case (_, let reason?):
            let first = reason.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? reason
            return Outcome(verdict: .mismatch, paths: paths, note: "recorded as done, but on replay: \(first)")
        case (_, nil):
            break
        }
        var drift: [Drift] = []
        let recorded = span.details?["files"]?.arrayValue ?? []
        for change in changes {
            do {
                if let after = change.after {
                    if let moved = change.moveTo {
                        try context.workspace.write(moved, after)
                        try context.workspace.delete(change.path)
                    } else {
                        try context.workspace.write(change.path, after)
                    }
                } else {
                    try context.workspace.delete(change.path)
                }
            } catch let problem as Workspace.Problem {
                context.workspace.discardPending()
                var outcome = context.refusedWrite(problem, path: change.path)
                outcome.paths = paths
                return outcome
            }
            let record = recorded.first { r in
                guard let file = r["filePath"]?.stringValue, case .success(let p) = context.map(file, span: span) else { return false }
                return p == change.path
            }
            if let record, drift.isEmpty {
                drift += images(
                    before: record["before"]?.stringValue, after: change.after == nil ? nil : record["after"]?.stringValue,
                    current: change.before, written: change.after, path: change.moveTo ?? change.path, context)
            }
        }
        var outcome = Outcome(verdict: .applied, paths: paths)
        outcome.drift = drift
        return outcome
    }
}
