import CGit2

extension Repository {
    /// The entry at `path` (components joined with `/`) in `tree`, or nil when there is
    /// none, including when a prefix of `path` is not a directory
    /// (`git_tree_entry_bypath`; the entry is copied and freed).
    public func entry(in tree: ObjectID, path: String) throws -> TreeEntry? {
        guard !path.isEmpty else { return nil }
        return try use { repo in
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

    /// The entries of one tree level, in libgit2's (git's) order
    /// (`git_tree_entry_byindex`; entries are borrowed from the tree and copied).
    public func entries(of tree: ObjectID) throws -> [TreeEntry] {
        try use { repo in
            try lookup(tree, GIT_OBJECT_TREE, in: repo).use { tree in
                try (0..<git_tree_entrycount(tree)).map { index in
                    try Self.copy(git_tree_entry_byindex(tree, index), "git_tree_entry_byindex")
                }
            }
        }
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
