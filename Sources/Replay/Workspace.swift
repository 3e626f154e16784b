import Git
import ToolSemantics
import Trace

/// The files a replay works on: a git tree plus the edits of the span being replayed.
///
/// Reads see the pending edits first, then the current tree. `commitPending()` turns the
/// pending edits into a new tree with one `git_tree_create_updated` call and returns what
/// changed. Nothing here touches a working directory: the workspace exists only as objects.
/// Not Sendable: it holds a `Repository`.
final class Workspace {
    enum Entry: Equatable {
        case absent
        case file([UInt8], executable: Bool)
        case directory
        case symlink
        case submodule
    }

    enum Problem: Error, Equatable, CustomStringConvertible {
        /// A parent of the path is a symlink, or the path itself is one.
        case throughSymlink(String)
        /// A parent of the path is a submodule.
        case inSubmodule(String)
        /// A parent of the path is a file (ENOTDIR), or the path is a directory (EISDIR).
        case notADirectory(String)
        case isADirectory(String)

        var description: String {
            switch self {
            case .throughSymlink(let p): return "through a symlink of the tree: \(p)"
            case .inSubmodule(let p): return "inside a submodule: \(p)"
            case .notADirectory(let p): return "a parent is a file, not a directory: \(p)"
            case .isADirectory(let p): return "is a directory: \(p)"
            }
        }
    }

    struct Change: Equatable, Sendable {
        var path: RepoPath
        var before: ObjectID?
        var after: ObjectID?
        /// Whether the new content holds `REDACTED` more often than the old: text the log's
        /// keeper removed was written in its place (`Redaction`).
        var redacted = false
    }

    let repository: Repository
    private(set) var tree: ObjectID
    private var pending: [RepoPath: [UInt8]?] = [:]
    private var pendingExecutable: [RepoPath: Bool] = [:]
    /// Bytes written by the pending edits (each write counted), against `limits.spanBytes`.
    private var pendingBytes = 0
    /// How many pending writes (`files`) and deletions (`deletions`) are below each
    /// directory, so a lookup need not scan every pending path (which made a span of many
    /// writes quadratic: `cp -r` of thousands of files). Kept only once a span has more
    /// than `indexedFrom` pending paths: most spans write one file, and keeping it for them
    /// was a fifth of a write's work.
    private var pendingIndex: [RepoPath: (files: Int, deletions: Int)]?
    private static let indexedFrom = 16
    let limits: ReplayLimits
    /// Blob contents by id, for files read more than once.
    private var blobCache: [ObjectID: [UInt8]] = [:]
    private var blobCacheBytes = 0

    init(repository: Repository, tree: ObjectID, limits: ReplayLimits = .current) {
        self.repository = repository
        self.tree = tree
        self.limits = limits
    }

    /// What is at `path` now, pending edits included.
    func entry(_ path: RepoPath) throws -> Entry {
        switch try find(path) {
        case .entry(let entry): return entry
        case .blob(let id, let executable): return .file(try blob(id), executable: executable)
        }
    }

    /// What is at `path` now, a committed file by its blob id (its bytes not read).
    private enum Found {
        case entry(Entry)
        case blob(ObjectID, executable: Bool)
    }

    private func find(_ path: RepoPath) throws -> Found {
        if !pending.isEmpty {
            if let pendingContent = pending[path] {
                if let bytes = pendingContent { return .entry(.file(bytes, executable: pendingExecutable[path] ?? false)) }
                return .entry(.absent)
            }
            if hasPending(below: path, deletions: false) {
                return .entry(.directory)
            }
        }
        guard let e = try repository.entry(in: tree, path: path.value) else { return .entry(.absent) }
        switch e.mode {
        case .tree: return .entry(try emptiedByPending(e.id, path) ? .absent : .directory)
        case .link: return .entry(.symlink)
        case .commit: return .entry(.submodule)
        case .blob, .executable: return .blob(e.id, executable: e.mode == .executable)
        }
    }

    /// Whether pending deletions remove everything below the directory `directory` at
    /// `path` (a tree holds no empty directory: the directory is gone, and a file may take
    /// its place).
    private func emptiedByPending(_ directory: ObjectID, _ path: RepoPath) throws -> Bool {
        let prefix = path.value + "/"
        guard hasPending(below: path, deletions: true) else { return false }
        for (inner, _) in try repository.walk(directory) {
            if pending[RepoPath(unchecked: prefix + inner)] != .some(nil) { return false }
        }
        return true
    }

    /// The file's bytes, or nil when there is no regular file at `path`.
    func read(_ path: RepoPath) throws -> [UInt8]? {
        if case .file(let bytes, _) = try entry(path) { return bytes }
        return nil
    }

    /// Checks that writing `path` stays a regular file in real directories of the tree.
    func checkWritable(_ path: RepoPath) throws {
        let along = try repository.entries(in: tree, along: path.value)
        // Only a pending edit or a parent that is not a directory can make it fail.
        let plain = pending.isEmpty && !along.dropLast().contains { $0 != nil && $0!.mode != .tree }
        for (depth, parent) in (plain ? [] : path.parents).enumerated() {
            let p = RepoPath(unchecked: parent)
            if !pending.isEmpty, let pendingContent = pending[p], pendingContent != nil { throw Problem.notADirectory(path.value) }
            guard let e = along[depth] else { continue }
            switch e.mode {
            case .tree: continue
            case .link: throw Problem.throughSymlink(path.value)
            case .commit: throw Problem.inSubmodule(path.value)
            case .blob, .executable:
                if pending[p] == .some(nil) { continue }
                throw Problem.notADirectory(path.value)
            }
        }
        switch try find(path) {
        case .entry(.symlink): throw Problem.throughSymlink(path.value)
        case .entry(.submodule): throw Problem.inSubmodule(path.value)
        case .entry(.directory): throw Problem.isADirectory(path.value)
        case .entry(.absent), .entry(.file), .blob: break
        }
    }

    /// Stages `bytes` at `path`. Throws `ReplayLimits.Exceeded` past a file's or a span's
    /// limit (the span is then refused), `Problem` where the tree does not allow it.
    func write(_ path: RepoPath, _ bytes: [UInt8], executable: Bool? = nil) throws {
        try limits.checkFile(path.value, size: bytes.count)
        try checkSpan(adding: bytes.count, at: path)
        try checkWritable(path)
        let wasExecutable: Bool
        switch try find(path) {
        case .entry(.file(_, let x)), .blob(_, let x): wasExecutable = x
        default: wasExecutable = false
        }
        stage(path, .some(bytes))
        pendingExecutable[path] = executable ?? wasExecutable
    }

    func delete(_ path: RepoPath) throws {
        try checkSpan(adding: 0, at: path)
        try checkWritable(path)
        stage(path, .some(nil))
    }

    var hasPending: Bool { !pending.isEmpty }

    /// Forgets the pending edits (a span that fails all or nothing).
    func discardPending() {
        pending.removeAll()
        pendingExecutable.removeAll()
        pendingBytes = 0
        pendingIndex = nil
    }

    /// Whether a pending write (or, with `deletions`, a pending deletion) lies below the
    /// directory `directory`.
    private func hasPending(below directory: RepoPath, deletions: Bool) -> Bool {
        if let pendingIndex {
            let c = pendingIndex[directory, default: (0, 0)]
            return (deletions ? c.deletions : c.files) > 0
        }
        let prefix = directory.value.utf8.count
        return pending.contains { path, edit in
            let p = path.value.utf8
            return (edit == nil) == deletions && p.count > prefix && p.starts(with: directory.value.utf8)
                && p[p.index(p.startIndex, offsetBy: prefix)] == UInt8(ascii: "/")
        }
    }

    /// Sets the pending edit of `path` (bytes, or nil: deleted), keeping `pendingIndex`.
    private func stage(_ path: RepoPath, _ edit: [UInt8]??) {
        func count(_ path: RepoPath, _ edit: [UInt8]??, _ delta: Int) {
            guard case .some(let content) = edit else { return }
            for parent in path.parents.map(RepoPath.init(unchecked:)) {
                var c = pendingIndex![parent, default: (0, 0)]
                if content == nil { c.deletions += delta } else { c.files += delta }
                pendingIndex![parent] = c
            }
        }
        if pendingIndex != nil { count(path, pending[path], -1) }
        pending[path] = edit
        if pendingIndex != nil {
            count(path, edit, 1)
        } else if pending.count > Self.indexedFrom {
            pendingIndex = [:]
            for (p, e) in pending { count(p, .some(e), 1) }
        }
    }

    /// Throws when one more edit of `size` bytes at `path` takes the span past its limits.
    private func checkSpan(adding size: Int, at path: RepoPath) throws(ReplayLimits.Exceeded) {
        if pending[path] == nil, pending.count >= limits.spanPaths {
            throw ReplayLimits.Exceeded(what: "the span writes more than \(limits.spanPaths) paths", limit: limits.spanPaths, variable: .spanPaths)
        }
        pendingBytes = pendingBytes.saturatingAdd(size)
        if pendingBytes > limits.spanBytes {
            throw ReplayLimits.Exceeded(
                what: "the span writes \(TextCount.bytes(pendingBytes)) (at \(path.value))", limit: limits.spanBytes, variable: .spanBytes)
        }
    }

    /// Writes the pending edits as blobs and a new tree; returns the paths whose content or
    /// mode changed, sorted.
    func commitPending() throws -> [Change] {
        guard !pending.isEmpty else { return [] }
        var updates: [TreeUpdate] = []
        var changes: [Change] = []
        for path in pending.keys.sorted() {
            let before = try repository.entry(in: tree, path: path.value)
            let beforeID = before.flatMap { $0.mode == .blob || $0.mode == .executable ? $0.id : nil }
            if let bytes = pending[path]! {
                let id = try repository.writeBlob(bytes, replacing: beforeID)
                let mode: FileMode = pendingExecutable[path] == true ? .executable : .blob
                cache(id, bytes)
                if before?.id == id && before?.mode == mode { continue }
                updates.append(.upsert(path: path.value, blob: id, mode: mode))
                var redacted = false
                if Redaction.holds(bytes) {
                    redacted = try Redaction.count(in: bytes) > (beforeID.map { Redaction.count(in: try blob($0)) } ?? 0)
                }
                changes.append(Change(path: path, before: beforeID, after: id, redacted: redacted))
            } else if before != nil {
                updates.append(.remove(path: path.value))
                changes.append(Change(path: path, before: beforeID, after: nil))
            }
        }
        discardPending()
        // Removals first: a file that takes the place of a directory emptied by this span
        // (or a directory that takes a file's) must find the old entries gone.
        let removals = updates.filter { if case .remove = $0 { return true } else { return false } }
        if !removals.isEmpty && removals.count < updates.count {
            tree = try repository.updateTree(tree, removals)
            updates.removeAll { if case .remove = $0 { return true } else { return false } }
        }
        if !updates.isEmpty { tree = try repository.updateTree(tree, updates) }
        return changes
    }

    /// Replaces the whole state (a recorded tree the replay adopts).
    func reset(to tree: ObjectID) {
        discardPending()
        self.tree = tree
    }

    private func blob(_ id: ObjectID) throws -> [UInt8] {
        if let cached = blobCache[id] { return cached }
        let bytes = try repository.blob(id)
        cache(id, bytes)
        return bytes
    }

    private func cache(_ id: ObjectID, _ bytes: [UInt8]) {
        if blobCacheBytes > 64 << 20 {
            blobCache.removeAll(keepingCapacity: true)
            blobCacheBytes = 0
        }
        if blobCache.updateValue(bytes, forKey: id) == nil { blobCacheBytes += bytes.count }
    }
}
