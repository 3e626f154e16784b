import CGit2

extension Repository {
    /// The entry at `path` (components joined with `/`) in `tree`, or nil when there is
    /// none, including when a prefix of `path` is not a directory. Answered from the cached
    /// levels of the trees on the way (``TreeLevels``); a path with empty components goes to
    /// `git_tree_entry_bypath` as it is.
    public func entry(in tree: ObjectID, path: String) throws -> TreeEntry? {
        guard !path.isEmpty else { return nil }
        var path = path
        let found: TreeEntry?? = try path.withUTF8 { bytes in
            // Component by component over the path's bytes: no string made per component.
            var current = tree
            var start = 0
            while true {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "/") { end += 1 }
                if end == start { return .none }  // an empty component: libgit2 decides
                let component = UnsafeBufferPointer(rebasing: bytes[start..<end])
                let level = try level(current)
                guard let i = level.index(ofName: component) else { return .some(nil) }
                let e = level.entries[i]
                if end == bytes.count { return .some(e) }
                guard e.mode == .tree else { return .some(nil) }
                current = e.id
                start = end + 1
            }
        }
        if let found { return found }
        return try entryByPath(in: tree, path: path)
    }

    /// The entries at each prefix of `path` in `tree` (`a`, `a/b`, … `path` itself), nil from
    /// the first that is missing or not a directory on; as many as `path` has components.
    /// One walk down the levels, where asking ``entry(in:path:)`` for each prefix would walk
    /// from the root each time. A path with empty components is answered prefix by prefix.
    public func entries(in tree: ObjectID, along path: String) throws -> [TreeEntry?] {
        var path = path
        let walked: [TreeEntry?]? = try path.withUTF8 { bytes in
            // Component by component over the path's bytes, as ``entry(in:path:)`` walks.
            var out: [TreeEntry?] = []
            var current: ObjectID? = tree
            var start = 0
            while true {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "/") { end += 1 }
                if end == start { return nil }  // an empty component: prefix by prefix
                if let directory = current {
                    let level = try level(directory)
                    let e = level.index(ofName: UnsafeBufferPointer(rebasing: bytes[start..<end])).map { level.entries[$0] }
                    out.append(e)
                    current = e?.mode == .tree ? e?.id : nil
                } else {
                    out.append(nil)
                }
                if end == bytes.count { return out }
                start = end + 1
            }
        }
        if let walked { return walked }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        return try components.indices.map { i in try entry(in: tree, path: components[...i].joined(separator: "/")) }
    }

    /// The entry at `path` in `tree` straight from libgit2 (`git_tree_entry_bypath`), with no
    /// level cached: for looking once each into many trees (a walk over history), where
    /// ``entry(in:path:)`` would keep every level it read.
    public func entryOnce(in tree: ObjectID, path: String) throws -> TreeEntry? {
        guard !path.isEmpty else { return nil }
        return try entryByPath(in: tree, path: path)
    }

    /// `git_tree_entry_bypath` (the entry is copied and freed).
    private func entryByPath(in tree: ObjectID, path: String) throws -> TreeEntry? {
        try use { repo in
            try lookup(tree, GIT_OBJECT_TREE, in: repo).use { tree in
                var out: OpaquePointer?
                let rc = git_tree_entry_bypath(&out, tree, path)
                if rc == GIT_ENOTFOUND.rawValue { return nil }
                try check(rc, "git_tree_entry_bypath")
                guard let out else { return nil }
                let entry = Owned(out, free: git_tree_entry_free)
                return try entry.use { try Self.copy($0, "git_tree_entry_bypath") }
            }
        }
    }

    /// The entries of one tree level, in git's order (read once per handle, then cached).
    public func entries(of tree: ObjectID) throws -> [TreeEntry] {
        try level(tree).entries
    }

    /// The cached level of `tree`, read with `git_tree_entry_byindex` the first time.
    func level(_ tree: ObjectID) throws -> TreeLevels.Level {
        if let cached = treeLevels[tree] { return cached }
        let level = TreeLevels.Level(read: try readEntries(of: tree))
        treeLevels.insert(level, for: tree)
        return level
    }

    private func readEntries(of tree: ObjectID) throws -> [TreeEntry] {
        try use { repo in
            try lookup(tree, GIT_OBJECT_TREE, in: repo).use { tree in
                try (0..<git_tree_entrycount(tree)).map { index in
                    try Self.copy(git_tree_entry_byindex(tree, index), "git_tree_entry_byindex")
                }
            }
        }
    }

    /// Whether the object database has `id` (`git_odb_exists`).
    func objectExists(_ id: ObjectID) throws -> Bool {
        try use { repo in
            let odb = try Owned.make("git_repository_odb", free: git_odb_free) { git_repository_odb(&$0, repo) }
            var oid = id.oid
            return odb.use { git_odb_exists($0, &oid) } == 1
        }
    }

    /// Writes a tree of `sorted` (in git's order, ``TreeLevels/precedes(_:_:)``; names
    /// unique) and returns its id (`git_odb_write`); its level is cached. `replacing`, the
    /// tree this one is a new version of, lets the pack of a run store it as a delta.
    func writeTree(sorted: [TreeEntry], replacing previous: ObjectID? = nil) throws -> ObjectID {
        let bytes = TreeLevels.serialize(sorted)
        let id: ObjectID
        if let memory {
            id = try bytes.withUnsafeBytes { try memory.put($0, GIT_OBJECT_TREE, replacing: previous) }
        } else {
            id = try use { repo in
                let odb = try Owned.make("git_repository_odb", free: git_odb_free) { git_repository_odb(&$0, repo) }
                return try odb.use { odb in
                    var out = git_oid()
                    var empty: UInt8 = 0
                    try bytes.withUnsafeBytes { raw in
                        // The empty tree too is written (a zero-length buffer, never a NULL pointer).
                        let base = raw.baseAddress ?? withUnsafePointer(to: &empty) { UnsafeRawPointer($0) }
                        try check(git_odb_write(&out, odb, base, raw.count, GIT_OBJECT_TREE), "git_odb_write")
                    }
                    return ObjectID(out)
                }
            }
        }
        treeLevels.insert(TreeLevels.Level(sorted), for: id)
        return id
    }

    /// Every non-tree entry below `tree` (files, symlinks, submodules), with its full
    /// path joined with `/`, sorted by the path's UTF-8 bytes. Each entry's `name` is
    /// its own name inside its directory.
    public func walk(_ tree: ObjectID) throws -> [(path: String, entry: TreeEntry)] {
        var out: [(path: String, entry: TreeEntry)] = []
        try walk(tree, prefix: "", into: &out)
        out.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        return out
    }

    private func walk(_ tree: ObjectID, prefix: String, into out: inout [(path: String, entry: TreeEntry)]) throws {
        for entry in try entries(of: tree) {
            let path = prefix.isEmpty ? entry.name : prefix + "/" + entry.name
            if entry.mode == .tree {
                try walk(entry.id, prefix: path, into: &out)
            } else {
                out.append((path, entry))
            }
        }
    }

    /// Copies a borrowed `git_tree_entry`.
    static func copy(_ entry: OpaquePointer?, _ function: String) throws -> TreeEntry {
        guard let entry else { throw GitError.invalid("no tree entry returned", function) }
        let name = String(cString: git_tree_entry_name(entry))
        return TreeEntry(
            name: name,
            id: ObjectID(git_tree_entry_id(entry)),
            mode: try FileMode.from(git_tree_entry_filemode(entry), path: name, function))
    }
}
