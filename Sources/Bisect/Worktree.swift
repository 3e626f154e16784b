import Foundation
import Git

/// One private directory a probe's test runs in, outside the user's repository: the files
/// of one state, brought from state to state by writing only the paths that differ
/// (`Repository.updateMaterialized`), so build products and caches (`.build`,
/// `node_modules`, `__pycache__`) survive from probe to probe and from one bisect to the next.
///
/// Next to the directory `<slot>` lies `<slot>.state`: the tree the directory holds and
/// whether a test may have changed its files since they were written (`dirty`) or not
/// (`clean`). It is removed while files are being written, so a bisect killed mid-update
/// leaves no state, and the next one starts that directory afresh. A test that changes, adds
/// over or deletes tracked files is noticed (`ChangeTracker`) and those paths are written
/// again before the next probe; files no tree names (build products) are left alone.
final class Worktree {
    let directory: String
    let stateFile: String
    let outputFile: String
    /// The tree the directory holds, once known in this session.
    private(set) var tree: ObjectID?
    /// How the files tests touch are noticed.
    private let tracker: ChangeTracker
    /// The tracker was started just now (no test ran since): nothing to ask it.
    private var justStarted = false

    /// `watching` false makes the worktree compare `lstat`s even where the kernel could tell.
    init(folder: String, slot: Int, watching: Bool = true) {
        directory = folder + "/\(slot)"
        stateFile = folder + "/\(slot).state"
        outputFile = folder + "/\(slot).output"
        tracker = (watching ? ChangeWatch.make(root: folder + "/\(slot)") : nil) ?? StatIndex(root: folder + "/\(slot)")
    }

    /// Makes the directory hold `target`.
    func checkout(_ target: ObjectID, repository: Repository) throws {
        if tree == nil { try resume(repository: repository) }
        guard let current = tree else {
            try writeFresh(target, repository: repository)
            return
        }
        var tampered: [String] = []
        if !justStarted {
            if let touched = try tracker.touched(tree: current, repository: repository) {
                tampered = touched
            } else {
                // The tracker cannot tell: write every tracked file again.
                try removeState()
                try repository.materialize(tree: current, into: directory)
                try tracker.start(tree: current, repository: repository)
            }
        }
        justStarted = false
        if current == target && tampered.isEmpty {
            try writeState(target, testing: true)
            return
        }
        try removeState()
        var from = current
        if !tampered.isEmpty {
            for path in tampered {
                try? FileManager.default.removeItem(atPath: directory + "/" + path)
            }
            from = try repository.updateTree(current, tampered.map { .remove(path: $0) })
        }
        try repository.updateMaterialized(from: from, to: target, directory: directory)
        try tracker.settled(from: from, to: target, repository: repository)
        tree = target
        try writeState(target, testing: true)
    }

    /// After the last probe: writes back any tracked file a test changed and records the
    /// directory as clean, ready for the next bisect.
    func finish(repository: Repository) throws {
        guard let tree else { return }
        try checkout(tree, repository: repository)
        tracker.stop()
        self.tree = nil
        try writeState(tree, testing: false)
    }

    /// For a worktree this bisect does not use: when a killed bisect left it while a test ran
    /// in it (its state says `dirty`), writes its tracked files again and records it clean;
    /// when it left it with no state (killed while its files were being written), removes
    /// it. Returns what was done, for people, or nil when the worktree was whole.
    func restoreLeftover(repository: Repository) throws -> String? {
        guard FileManager.default.fileExists(atPath: directory) else { return nil }
        guard let (recorded, testing) = readState(), (try? repository.entries(of: recorded)) != nil else {
            try removeState()
            try FileManager.default.removeItem(atPath: directory)
            return "removed a half-written worktree (\(directory))"
        }
        guard testing else { return nil }
        try removeState()
        try repository.materialize(tree: recorded, into: directory)
        try writeState(recorded, testing: false)
        return "restored a worktree a test was running in (\(directory))"
    }

    /// What the state file says, on first use in this session: a clean tree that the
    /// repository still has is taken as it is; one a test may have changed is written again
    /// in full; anything else (no state, an unreadable tree) is wiped.
    private func resume(repository: Repository) throws {
        guard let (recorded, testing) = readState(), (try? repository.entries(of: recorded)) != nil,
            FileManager.default.fileExists(atPath: directory)
        else {
            return
        }
        if testing {
            try removeState()
            try repository.materialize(tree: recorded, into: directory)
        }
        try tracker.start(tree: recorded, repository: repository)
        justStarted = true
        tree = recorded
    }

    private func writeFresh(_ target: ObjectID, repository: Repository) throws {
        try removeState()
        try? FileManager.default.removeItem(atPath: directory)
        try repository.materialize(tree: target, into: directory)
        try tracker.start(tree: target, repository: repository)
        tree = target
        try writeState(target, testing: true)
    }

    // MARK: - The state file

    private func readState() -> (ObjectID, testing: Bool)? {
        guard let text = try? String(contentsOfFile: stateFile, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n")
        guard lines.count == 3, lines[0] == "agentreplay-worktree 1", lines[1].hasPrefix("tree "),
            let id = ObjectID(hex: String(lines[1].dropFirst(5)))
        else { return nil }
        switch lines[2] {
        case "clean": return (id, false)
        case "dirty": return (id, true)
        default: return nil
        }
    }

    /// Writes the state in place. Both states have the same length, so the file is never
    /// truncated: truncating a file to zero and writing it again makes ext4 flush it to disk
    /// (auto_da_alloc), a few milliseconds a probe.
    private func writeState(_ tree: ObjectID, testing: Bool) throws {
        let text = Array("agentreplay-worktree 1\ntree \(tree.hex)\n\(testing ? "dirty" : "clean")\n".utf8)
        let fd = open(stateFile, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BisectError.system("cannot write \(stateFile): \(POSIX.error())") }
        defer { close(fd) }
        guard text.withUnsafeBytes({ pwrite(fd, $0.baseAddress, $0.count, 0) }) == text.count, ftruncate(fd, off_t(text.count)) == 0 else {
            throw BisectError.system("cannot write \(stateFile): \(POSIX.error())")
        }
    }

    private func removeState() throws {
        if unlink(stateFile) != 0 && errno != ENOENT {
            throw BisectError.system("cannot remove \(stateFile): \(POSIX.error())")
        }
    }
}
