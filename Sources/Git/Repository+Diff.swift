import CGit2

extension Repository {
    /// The paths that differ between two trees, sorted by path bytes
    /// (`git_diff_tree_to_tree` with `GIT_DIFF_INCLUDE_TYPECHANGE`, like
    /// `git diff-tree -r --no-renames`: no rename detection; a file that becomes a
    /// symlink is one modified change; the diff is freed after copying).
    public func diff(from old: ObjectID, to new: ObjectID) throws -> [TreeChange] {
        try use { repo in
            let oldTree = try lookup(old, GIT_OBJECT_TREE, in: repo)
            let newTree = try lookup(new, GIT_OBJECT_TREE, in: repo)
            var options = git_diff_options()
            try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
            options.flags = GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
            let diff = try oldTree.use { o in
                try newTree.use { n in
                    try Owned.make("git_diff_tree_to_tree", free: git_diff_free) {
                        git_diff_tree_to_tree(&$0, repo, o, n, &options)
                    }
                }
            }
            let changes = try diff.use { diff in
                try (0..<git_diff_num_deltas(diff)).compactMap { index -> TreeChange? in
                    guard let delta = git_diff_get_delta(diff, index)?.pointee else { return nil }
                    return try Self.change(delta)
                }
            }
            return changes.sorted { a, b in
                if a.path != b.path { return a.path.utf8.lexicographicallyPrecedes(b.path.utf8) }
                return a.newID == nil && b.newID != nil  // a deletion before an addition
            }
        }
    }

    private static func change(_ delta: git_diff_delta) throws -> TreeChange {
        let function = "git_diff_get_delta"
        let oldPath = delta.old_file.path.map { String(cString: $0) }
        let newPath = delta.new_file.path.map { String(cString: $0) }
        let path = newPath ?? oldPath ?? ""
        let hasOld = delta.status != GIT_DELTA_ADDED
        let hasNew = delta.status != GIT_DELTA_DELETED
        return TreeChange(
            path: path,
            oldID: hasOld ? ObjectID(delta.old_file.id) : nil,
            newID: hasNew ? ObjectID(delta.new_file.id) : nil,
            oldMode: hasOld ? try FileMode.from(git_filemode_t(UInt32(delta.old_file.mode)), path: path, function) : nil,
            newMode: hasNew ? try FileMode.from(git_filemode_t(UInt32(delta.new_file.mode)), path: path, function) : nil)
    }
}
