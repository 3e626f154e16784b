import ToolSemantics

/// What is at a path, as a shell command would find it.
package enum ShellNode: Equatable, Sendable {
    case absent
    case file(executable: Bool)
    case directory
    case symlink
    case submodule
}

/// The files a shell command sees: the replayed tree, read-only.
package protocol ShellTree {
    func node(_ path: RepoPath) throws -> ShellNode
    /// A regular file's bytes; nil when there is none.
    func read(_ path: RepoPath) throws -> [UInt8]?
    /// The names in `directory` (nil: the root), in any order.
    func children(_ directory: RepoPath?) throws -> [String]
}

/// A shell command's view of the files while it runs: a `ShellTree` with the effects of the
/// commands before it laid over it, and the directories that exist on the recording's disk
/// though git cannot hold them (empty directories: made by `mkdir`, or left behind when their
/// last file was moved or removed).
struct ShellView {
    struct File: Equatable {
        var bytes: [UInt8]
        var executable: Bool
    }

    let base: any ShellTree
    /// Files written (a value) or removed (nil) by the commands so far.
    private(set) var files: [RepoPath: File?] = [:]
    /// Directories known to exist that the tree may not show.
    private(set) var directories: Set<RepoPath>
    /// Directories removed whole: nothing of the base below them is seen any more.
    private var hidden: Set<RepoPath> = []
    /// How many written files each directory holds (a directory with any is one).
    private var written: [String: Int] = [:]
    /// The names below each directory (`""`: the root) that `files` and `directories` have
    /// ever held, so `children` reads one directory's names, not every path the commands
    /// touched (which made a walk quadratic: `cp -r` of a tree of thousands of files).
    private var names: [String: Set<String>] = [:]

    init(base: any ShellTree, directories: Set<RepoPath> = []) {
        self.base = base
        self.directories = directories
        // In byte order: a set's order differs from one instance to the next, and which of
        // two names equal as Swift strings (`é` precomposed or not) `names` keeps is the one
        // inserted first.
        for d in directories.sorted() { index(d) }
    }

    /// Notes `path` and its parents in `names`.
    private mutating func index(_ path: RepoPath) {
        var parent = ""
        // At the byte `/` (a `/` and a combining mark after it are one `Character`).
        for component in path.value.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            let name = String(decoding: component, as: UTF8.self)
            names[parent, default: []].insert(name)
            parent = parent.isEmpty ? name : parent + "/" + name
        }
    }

    func node(_ path: RepoPath) throws -> ShellNode {
        if case .some(.some(let f)) = files[path] { return .file(executable: f.executable) }
        if written[path.value, default: 0] > 0 { return .directory }
        if files[path] == nil, !isHidden(path) {
            let b = try base.node(path)
            if b != .absent { return b }
        }
        // A parent that is a file means nothing is below it.
        for parent in path.parents {
            if try isFile(RepoPath(unchecked: parent)) { return .absent }
        }
        return directories.contains(path) ? .directory : .absent
    }

    /// Whether `node(path)` is a file, without looking at the parents: `node` asking
    /// `node` of each parent took time exponential in the depth.
    private func isFile(_ path: RepoPath) throws -> Bool {
        if case .some(.some) = files[path] { return true }
        if files[path] != nil || written[path.value, default: 0] > 0 || isHidden(path) { return false }
        if case .file = try base.node(path) { return true }
        return false
    }

    /// The node at a directory location (nil: the root, always a directory).
    func node(_ location: RepoPath?) throws -> ShellNode {
        guard let location else { return .directory }
        return try node(location)
    }

    func read(_ path: RepoPath) throws -> [UInt8]? {
        if let f = files[path] { return f?.bytes }
        if isHidden(path) { return nil }
        return try base.read(path)
    }

    func children(_ directory: RepoPath?) throws -> [String] {
        var names = Set<String>()
        if directory.map({ !isHidden($0) }) ?? true { names.formUnion(try base.children(directory)) }
        names.formUnion(self.names[directory?.value ?? ""] ?? [])
        return try names.filter { try node(Self.child(directory, $0)) != .absent }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Every file, symlink and submodule below `directory`, with its path relative to it,
    /// sorted.
    func walk(_ directory: RepoPath) throws -> [(relative: String, path: RepoPath, node: ShellNode)] {
        var out: [(String, RepoPath, ShellNode)] = []
        func visit(_ dir: RepoPath, _ relative: String) throws {
            for name in try children(dir) {
                let path = Self.child(dir, name)
                let rel = relative.isEmpty ? name : relative + "/" + name
                let n = try node(path)
                if n == .directory { try visit(path, rel) } else { out.append((rel, path, n)) }
            }
        }
        try visit(directory, "")
        return out
    }

    mutating func write(_ path: RepoPath, _ bytes: [UInt8], executable: Bool) {
        if case .some(.some) = files[path] {} else { count(path, 1) }
        files[path] = .some(File(bytes: bytes, executable: executable))
        index(path)
    }

    /// Removes a file; the directories above it stay, as they do on disk.
    mutating func delete(_ path: RepoPath) {
        if case .some(.some) = files[path] { count(path, -1) }
        files[path] = .some(nil)
        index(path)
        for parent in path.parents { directories.insert(RepoPath(unchecked: parent)) }
    }

    /// Removes a directory and everything below it.
    mutating func removeDirectory(_ path: RepoPath) throws {
        for entry in try walk(path) { delete(entry.path) }
        directories = directories.filter { $0 != path && !RepoPath.isBelow($0.value, path.value) }
        hidden.insert(path)
        index(path)  // its parents stay, as directories
        for parent in path.parents { directories.insert(RepoPath(unchecked: parent)) }
    }

    private mutating func count(_ path: RepoPath, _ delta: Int) {
        for parent in path.parents { written[parent, default: 0] += delta }
    }

    mutating func makeDirectory(_ path: RepoPath) {
        directories.insert(path)
        index(path)
    }

    func isHidden(_ path: RepoPath) -> Bool {
        if hidden.isEmpty { return false }
        if hidden.contains(path) { return true }
        return path.parents.contains { hidden.contains(RepoPath(unchecked: $0)) }
    }

    static func child(_ directory: RepoPath?, _ name: String) -> RepoPath {
        RepoPath(unchecked: directory.map { $0.value + "/" + name } ?? name)
    }
}
