import Git
import Replay

/// The walk behind `Blame`: which paths matter to the target, and their ownership carried
/// forward through the steps that changed them.
///
/// A backward pass over the steps' changes (blob ids only, no content) finds the paths whose
/// content can flow into the target by moves; the forward pass then reads blobs and diffs
/// lines only for steps that changed one of those paths. Owners are step indices (`Int32`,
/// -1 for the base) kept in one array per path, parallel to its lines.
struct BlameHistory {
    /// A path's content and the owner of each of its lines.
    struct File {
        var blob: ObjectID
        var bytes: [UInt8]
        var owners: [Int32]
    }

    let run: Run
    let target: String
    let index: StepIndex

    /// The paths whose lines can end up in the target: the target, and, going back in time,
    /// every path moved into one of them.
    func relevantPaths() -> Set<String> {
        var relevant: Set<String> = [target]
        for i in index.multiChange.reversed() {
            let step = run.steps[i]
            for change in step.changes where relevant.contains(change.path) {
                if let source = Self.moveSource(of: change, in: step) { relevant.insert(source.path) }
                if change.before == nil && change.after != nil {
                    for source in Self.renameCandidates(of: change, in: step) { relevant.insert(source.path) }
                }
            }
        }
        return relevant
    }

    /// The paths a step deleted, other than `change`'s: where a file the step created may
    /// have been moved from, with edits.
    static func renameCandidates(of change: Run.Change, in step: Run.Step) -> [Run.Change] {
        step.changes.filter { $0.after == nil && $0.before != nil && $0.path != change.path }
    }

    /// The path a change's content was moved from in the same step: a deleted path whose
    /// last content is exactly what the change writes (the first such path, in path order).
    static func moveSource(of change: Run.Change, in step: Run.Step) -> Run.Change? {
        guard let after = change.after, change.before != after else { return nil }
        return step.changes.first { $0.after == nil && $0.before == after && $0.path != change.path }
    }

    /// The last step that deleted the target, and where it moved it, when it did.
    func lastDeletion() -> (step: Int, movedTo: String?)? {
        for i in index.steps(changing: target).reversed() {
            let step = run.steps[i]
            guard let change = step.changes.first(where: { $0.path == target }) else { continue }
            guard change.after == nil, let before = change.before else { return nil }
            let moved = step.changes.first { $0.path != target && $0.after == before && $0.before != before }
            return (i, moved?.path)
        }
        return nil
    }

    /// The target's content and line owners after the run, given its final blob.
    func carry(final: ObjectID, read: (ObjectID) throws -> [UInt8]) throws(Blame.Failure) -> (bytes: [UInt8], owners: [Int32]) {
        let relevant = relevantPaths()
        var files: [String: File] = [:]
        let visited =
            relevant.count == 1
            ? index.steps(changing: target)
            : Array(Set(relevant.flatMap { index.steps(changing: $0) })).sorted()
        for i in visited {
            let step = run.steps[i]
            let changes = step.changes.filter { relevant.contains($0.path) }
            if changes.isEmpty { continue }
            // Every change of a step is computed from the state before the step, so a move
            // reads its source before the step deletes it.
            var updates: [(String, File?)] = []
            for change in changes {
                guard let after = change.after else {
                    updates.append((change.path, nil))
                    continue
                }
                if let source = Self.moveSource(of: change, in: step), let sourceBlob = source.before {
                    var moved = try file(source.path, blob: sourceBlob, in: files, read: read)
                    moved.blob = after
                    updates.append((change.path, moved))
                } else if let before = change.before {
                    let old = try file(change.path, blob: before, in: files, read: read)
                    if before == after {
                        updates.append((change.path, old))  // a mode change: same lines
                        continue
                    }
                    let bytes = try Self.load(after, read)
                    let owners = BlameText.carry(old.owners, from: old.bytes, to: bytes, owner: Int32(i))
                    updates.append((change.path, File(blob: after, bytes: bytes, owners: owners)))
                } else {
                    let bytes = try Self.load(after, read)
                    var owners = [Int32](repeating: Int32(i), count: BlameText.lineCount(bytes))
                    // Created by a step that deleted other files: a move with edits when at
                    // least half its lines come from one of them (git's default -M50%).
                    var best = 0
                    for candidate in Self.renameCandidates(of: change, in: step) {
                        guard let blob = candidate.before else { continue }
                        let source = try file(candidate.path, blob: blob, in: files, read: read)
                        let carried = BlameText.carry(source.owners, from: source.bytes, to: bytes, owner: Int32(i))
                        let kept = carried.reduce(0) { $0 + ($1 == Int32(i) ? 0 : 1) }
                        if kept > best && kept * 2 >= owners.count {
                            best = kept
                            owners = carried
                        }
                    }
                    updates.append((change.path, File(blob: after, bytes: bytes, owners: owners)))
                }
            }
            for (path, file) in updates { files[path] = file }
        }
        guard let result = files[target] else {
            // No step touched the target (or it was never carried): every line is the base's.
            let bytes = try Self.load(final, read)
            return (bytes, [Int32](repeating: -1, count: BlameText.lineCount(bytes)))
        }
        guard result.blob == final else {
            throw .inconsistent("\(target) ends as blob \(result.blob.hex) after the steps' changes, but the final tree has \(final.hex)")
        }
        return (result.bytes, result.owners)
    }

    /// The carried state of `path`, or, the first time a step touches it, its content as the
    /// run found it with every line owned by the base.
    func file(_ path: String, blob: ObjectID, in files: [String: File], read: (ObjectID) throws -> [UInt8]) throws(Blame.Failure) -> File {
        if let file = files[path] {
            guard file.blob == blob else {
                throw .inconsistent("a step changes \(path) from blob \(blob.hex), but the previous step left \(file.blob.hex)")
            }
            return file
        }
        let bytes = try Self.load(blob, read)
        return File(blob: blob, bytes: bytes, owners: [Int32](repeating: -1, count: BlameText.lineCount(bytes)))
    }

    static func load(_ blob: ObjectID, _ read: (ObjectID) throws -> [UInt8]) throws(Blame.Failure) -> [UInt8] {
        do {
            return try read(blob)
        } catch {
            throw .unreadable(blob: blob, reason: String(describing: error))
        }
    }
}
