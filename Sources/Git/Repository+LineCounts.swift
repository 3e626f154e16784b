import CGit2

extension Repository {
    /// Lines added and removed between two blobs, as `git diff --numstat` counts them
    /// (`git_patch_from_blobs`, `git_patch_line_stats`): nil `old` is a file added, nil `new`
    /// a file deleted. Nil when libgit2 finds either side binary (numstat's `-`).
    public func lineCounts(from old: ObjectID?, to new: ObjectID?) throws -> (added: Int, removed: Int)? {
        try use { repo in
            let oldBlob = try old.map { try lookup($0, GIT_OBJECT_BLOB, in: repo) }
            let newBlob = try new.map { try lookup($0, GIT_OBJECT_BLOB, in: repo) }
            var options = git_diff_options()
            try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
            options.context_lines = 0
            let patch = try Owned.make("git_patch_from_blobs", free: git_patch_free) { out in
                git_patch_from_blobs(&out, oldBlob?.use { $0 }, nil, newBlob?.use { $0 }, nil, &options)
            }
            return try patch.use { patch -> (added: Int, removed: Int)? in
                if let delta = git_patch_get_delta(patch)?.pointee, delta.flags & GIT_DIFF_FLAG_BINARY.rawValue != 0 { return nil }
                var context = 0, added = 0, removed = 0
                try check(git_patch_line_stats(&context, &added, &removed, patch), "git_patch_line_stats")
                return (added, removed)
            }
        }
    }
}
