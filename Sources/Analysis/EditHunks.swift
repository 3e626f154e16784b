import Git
import Replay
import Trace

/// A hunk of a run's final diff against its base, with the spans that produced it.
public struct EditHunk: Sendable, Equatable {
    /// A span credited with a hunk: the call, and the model turn that asked for it.
    public struct Owner: Sendable, Equatable {
        public var spanID: Span.ID
        public var tool: String?
        public var callID: String?
        public var turnID: Span.ID?
        public var turnUsage: Usage
    }

    public var path: String
    /// 1-based start and length in the base file (start is the line before, when length is 0).
    public var oldStart: Int
    public var oldLines: Int
    public var newStart: Int
    public var newLines: Int
    /// The spans that wrote the hunk's added lines; for a hunk that only removes lines, the
    /// spans whose edits removed lines of this file.
    public var owners: [Owner]
}

/// Maps every hunk of a run's final diff (against its base tree) to the spans that made it.
public enum EditHunks {
    /// The hunks of `run`'s final diff, each credited through `Blame` to the spans that wrote
    /// its lines.
    public static func attribute(_ run: Run, repository: Repository) throws -> [EditHunk] {
        let index = StepIndex(run)
        // Hunks are made with their owners as step numbers; the owners' turns (and their
        // usage) are looked up at the end, for the few turns named.
        var hunks: [EditHunk] = []
        var ownerSteps: [[Int]] = []
        for change in try repository.diff(from: run.baseTree, to: run.finalTree) {
            let before = try change.oldID.map { try repository.blob($0) } ?? []
            let after = try change.newID.map { try repository.blob($0) } ?? []
            let owners: [Int?] =
                try change.newID.map { id in
                    try Blame(run, path: change.path, final: id, index: index, read: repository.blob).lines.map { $0.owner?.step }
                } ?? []
            // The steps that removed lines of the file: asked for by a hunk that only
            // deletes, found once (each step's versions read and diffed).
            var removersFound: [Int]?
            func removers() -> [Int] {
                if let removersFound { return removersFound }
                let found = index.steps(changing: change.path).filter { i in
                    run.steps[i].changes.contains { $0.path == change.path && removesLines($0, repository) }
                }
                removersFound = found
                return found
            }
            let a = lines(before), b = lines(after)
            for op in SequenceDiff.diff(a, b) {
                let (old, new): (Range<Int>, Range<Int>)
                switch op {
                case .equal: continue
                case let .delete(r, at): (old, new) = (r, at..<at)
                case let .insert(r, at): (old, new) = (at..<at, r)
                }
                var credited: [Int] = []
                for line in new where line < owners.count {
                    if let o = owners[line], !credited.contains(o) { credited.append(o) }
                }
                if new.isEmpty { credited = removers() }
                hunks.append(
                    EditHunk(
                        path: change.path,
                        oldStart: old.isEmpty ? old.lowerBound : old.lowerBound + 1, oldLines: old.count,
                        newStart: new.isEmpty ? new.lowerBound : new.lowerBound + 1, newLines: new.count,
                        owners: []))
                ownerSteps.append(credited.sorted())
            }
        }
        let turns = Set(ownerSteps.joined().compactMap { run.steps[$0].turnID })
        var turnUsage: [Span.ID: Usage] = [:]
        if !turns.isEmpty {
            for i in run.steps.indices where run.steps[i].kind == .llm && turns.contains(run.steps[i].spanID) {
                turnUsage[run.steps[i].spanID] = run.steps[i].usage
            }
        }
        for (i, steps) in ownerSteps.enumerated() {
            hunks[i].owners = steps.map { n in
                let s = run.steps[n]
                return EditHunk.Owner(
                    spanID: s.spanID, tool: s.toolName, callID: s.callID, turnID: s.turnID,
                    turnUsage: s.turnID.flatMap { turnUsage[$0] } ?? Usage())
            }
        }
        return mergeAdjacent(hunks)
    }

    /// A deletion next to an insertion at the same place is one hunk (a replaced block).
    static func mergeAdjacent(_ hunks: [EditHunk]) -> [EditHunk] {
        var out: [EditHunk] = []
        for h in hunks {
            if var last = out.last, last.path == h.path, last.newLines == 0, h.oldLines == 0,
                last.oldStart + last.oldLines == h.oldStart || last.oldStart + last.oldLines - 1 == h.oldStart
            {
                last.newStart = h.newStart
                last.newLines = h.newLines
                last.owners = h.owners.isEmpty ? last.owners : h.owners
                out[out.count - 1] = last
            } else {
                out.append(h)
            }
        }
        return out
    }

    static func removesLines(_ change: Run.Change, _ repository: Repository) -> Bool {
        guard let beforeID = change.before else { return false }
        guard let afterID = change.after else { return true }
        guard let before = try? repository.blob(beforeID), let after = try? repository.blob(afterID) else { return false }
        return removesLines(from: before, to: after)
    }

    /// Whether a line diff from `before` to `after` deletes a line: exactly when the old lines
    /// are not a subsequence of the new ones (else it only inserts), which one greedy pass
    /// decides.
    static func removesLines(from before: [UInt8], to after: [UInt8]) -> Bool {
        let old = lines(before), new = lines(after)
        var j = 0
        for line in old {
            while j < new.count, new[j] != line { j += 1 }
            if j == new.count { return true }
            j += 1
        }
        return false
    }

    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var out = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if out.last?.isEmpty == true { out.removeLast() }
        return out
    }
}
