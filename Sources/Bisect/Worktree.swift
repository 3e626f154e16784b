import Foundation
import Git

/// One private directory a probe's test runs in, outside the user's repository: the files
/// of one state, brought from state to state by writing only the paths that differ
/// (`Repository.updateMaterialized`), so build products and caches (`.build`,
/// `node_modules`, `__pycache__`) survive from probe to probe and from one bisect to the next.
///
/// Next to the directory `<slot>` lies `<slot>.state`: the tree the directory holds and
/// whether a test may have run in it since (`testing`) or not (`clean`). It is removed while
/// files are being written, so a bisect killed mid-update leaves no state, and the next one
/// starts that directory afresh. A test that changes, adds or deletes tracked files is noticed
/// (their `lstat` no longer matches what was written) and those paths are written again
/// before the next probe; files no tree names (build products) are left alone.
final class Worktree {
    let directory: String
    let stateFile: String
    let outputFile: String
    /// The tree the directory holds, once known in this session.
    private(set) var tree: ObjectID?
    /// What each tracked file looked like just after it was written or checked.
    private var stats: [String: FileStat] = [:]

    init(folder: String, slot: Int) {
        directory = folder + "/\(slot)"
        stateFile = folder + "/\(slot).state"
        outputFile = folder + "/\(slot).output"
    }

    /// Makes the directory hold `target`. Returns how many paths were written or removed.
    @discardableResult
    func checkout(_ target: ObjectID, repository: Repository) throws -> Int {
        if tree == nil { try resume(repository: repository) }
        guard let current = tree else {
            try writeFresh(target, repository: repository)
            return stats.count
        }
        let tampered = stats.compactMap { path, stat in FileStat(path: directory + "/" + path) == stat ? nil : path }
        if current == target && tampered.isEmpty {
            try writeState(target, testing: true)
            return 0
        }
        try removeState()
        var from = current
        if !tampered.isEmpty {
            for path in tampered {
                try? FileManager.default.removeItem(atPath: directory + "/" + path)
                stats[path] = nil
            }
            from = try repository.updateTree(current, tampered.sorted().map { .remove(path: $0) })
        }
        let changes = try repository.diff(from: from, to: target)
        try repository.updateMaterialized(from: from, to: target, directory: directory)
        for change in changes {
            if let mode = change.newMode, Self.tracked(mode) {
                stats[change.path] = FileStat(path: directory + "/" + change.path)
            } else {
                stats[change.path] = nil
            }
        }
        tree = target
        try writeState(target, testing: true)
        return changes.count
    }

    /// After the last probe: writes back any tracked file a test changed and records the
    /// directory as clean, ready for the next bisect.
    func finish(repository: Repository) throws {
        guard let tree else { return }
        try checkout(tree, repository: repository)
        try writeState(tree, testing: false)
    }

    /// What the state file says, on first use in this session: a clean tree that the
    /// repository still has is taken as it is; one a test may have changed is written again
    /// in full; anything else (no state, an unreadable tree) is wiped.
    private func resume(repository: Repository) throws {
        guard let (recorded, testing) = readState(), (try? repository.entries(of: recorded)) != nil,
              FileManager.default.fileExists(atPath: directory) else {
            return
        }
        if testing {
            try removeState()
            try repository.materialize(tree: recorded, into: directory)
        }
        try baseline(recorded, repository: repository)
        tree = recorded
    }

    private func writeFresh(_ target: ObjectID, repository: Repository) throws {
        try removeState()
        try? FileManager.default.removeItem(atPath: directory)
        try repository.materialize(tree: target, into: directory)
        try baseline(target, repository: repository)
        tree = target
        try writeState(target, testing: true)
    }

    /// Records the `lstat` of every tracked file of `tree` as it is now.
    private func baseline(_ tree: ObjectID, repository: Repository) throws {
        stats = [:]
        for (path, entry) in try repository.walk(tree) where Self.tracked(entry.mode) {
            stats[path] = FileStat(path: directory + "/" + path)
        }
    }

    private static func tracked(_ mode: FileMode) -> Bool {
        mode == .blob || mode == .executable || mode == .link
    }

    // MARK: - The state file

    private func readState() -> (ObjectID, testing: Bool)? {
        guard let text = try? String(contentsOfFile: stateFile, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n")
        guard lines.count == 3, lines[0] == "agentreplay-worktree 1", lines[1].hasPrefix("tree "),
              let id = ObjectID(hex: String(lines[1].dropFirst(5))) else { return nil }
        switch lines[2] {
        case "clean": return (id, false)
        case "testing": return (id, true)
        default: return nil
        }
    }

    private func writeState(_ tree: ObjectID, testing: Bool) throws {
        let text = "agentreplay-worktree 1\ntree \(tree.hex)\n\(testing ? "testing" : "clean")\n"
        guard FileManager.default.createFile(atPath: stateFile, contents: Data(text.utf8)) else {
            throw BisectError.system("cannot write \(stateFile)")
        }
    }

    private func removeState() throws {
        if unlink(stateFile) != 0 && errno != ENOENT {
            throw BisectError.system("cannot remove \(stateFile): \(POSIX.error())")
        }
    }
}
