#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CGit2
import CGit2Support

extension Repository {
    /// The most names a folder-by-folder stat walk (`agentreplay_worktree_scan`) hands to the
    /// ignore rules before leaving the working tree to libgit2's whole walk.
    static let unknownNamesLimit = 64

    /// The working tree as a tree object: every tracked file as it is on disk (deleted ones
    /// left out) and every untracked file git does not ignore, with their blobs and trees
    /// written to the object database. Nothing else of the repository changes: not its
    /// index, HEAD, working tree or any reference.
    ///
    /// Most calls are answered from the stat cache beside `indexPath`
    /// (``cachedWorkTreeTree(workdir:cachePath:)``), without the private index. Otherwise the
    /// cache is removed and the tree is built in a private index at `indexPath` (made from a copy of the
    /// repository's own index the first time, so its stat cache is used from the start),
    /// set as this handle's in-memory index (`git_repository_set_index`), brought up to date
    /// from one `git_diff_index_to_workdir` walk (a file whose `lstat` matches its entry is not
    /// read, and one whose stat data alone changed is read once and its entry refreshed;
    /// `git_index_add_bypath` and `git_index_remove_bypath` for the rest; a directory whose
    /// entries did not change keeps its cached tree id),
    /// written as trees (`git_index_write_tree`) and saved back to `indexPath` when it changed,
    /// and saved as a new stat cache, so the next call costs about one `lstat` per file. A
    /// bare repository has no working tree: throws.
    ///
    /// When another process holds `indexPath`'s lock (two hooks at once), the tree is still
    /// returned and the private index is simply not saved this time.
    public func workTreeTree(privateIndex indexPath: String) throws -> ObjectID {
        guard let workdir = workingDirectory else {
            throw GitError.invalid("a bare repository has no working tree", "workTreeTree")
        }
        // Which entries `git add -A` keeps as they are (tracked though ignored, outside a sparse
        // checkout's cone, assume-unchanged) is the repository's own index's to say: the private
        // index is made again from it whenever git wrote it since (a commit, an add, a
        // `sparse-checkout`), as on the first call. Its identity (git replaces the file by a
        // rename, so a new file each time) is taken before it is read.
        let own = gitDirectory + "/index"
        let seedPath = indexPath + ".seed"
        let identity = Self.fileIdentity(own)
        let seeded =
            try FileSystem.kind(indexPath) == nil || FileBytes.read(seedPath, limit: 256).map({ $0 == Array(identity.utf8) }) != .success(true)
        // The stat cache first: most calls are answered there without the private index.
        let cachePath = Self.cachePath(privateIndex: indexPath)
        if !seeded, let tree = try cachedWorkTreeTree(workdir: workdir, cachePath: cachePath) { return tree }
        // The private index takes over; the cache, older than what it is about to save, goes
        // (a new one is saved after).
        if unlink(cachePath) != 0 && errno != ENOENT { throw GitError.os(errno, cachePath, "unlink") }
        // The private index's mtime, taken before it is read: an entry as new as it is racily
        // clean (its stat data cannot vouch for it). A later save only makes more entries so.
        var indexTime: Int64 = 0
        var stamped = !seeded && agentreplay_file_mtime(indexPath, &indexTime) == 0
        if seeded {
            let folder = String(indexPath[..<(indexPath.lastIndex(of: "/") ?? indexPath.startIndex)])
            if !folder.isEmpty { try FileSystem.makeDirectoryPath(folder) }
            // The repository's own index, read (git replaces it by a rename, so any version
            // read is whole): its stat cache spares hashing the files the first time. Its
            // mtime, not the copy's, says which entries are racily clean; taken before it is
            // read, so that an index git saved in between is judged by the older time (more
            // entries racily clean, never fewer).
            var ownTime: Int64 = 0
            let timed = agentreplay_file_mtime(own, &ownTime) == 0
            // Put in place by a rename, so that a hook running beside this one reads the old
            // private index or the new one, whole.
            let temporary = indexPath + ".\(getpid()).tmp"
            if case .success(let bytes) = FileBytes.read(own) {
                try FileSystem.writeFile(temporary, bytes, mode: 0o644)
                if rename(temporary, indexPath) != 0 { throw GitError.os(errno, indexPath, "rename") }
                if timed {
                    indexTime = ownTime
                    stamped = true
                }
            } else if unlink(indexPath) != 0 && errno != ENOENT {
                throw GitError.os(errno, indexPath, "unlink")
            }
            try FileSystem.writeFile(seedPath, Array(identity.utf8), mode: 0o644)
        }
        return try use { repo in
            let index = try Owned.make("git_index_open", free: git_index_free) { git_index_open(&$0, indexPath) }
            return try index.use { index in
                try check(git_repository_set_index(repo, index), "git_repository_set_index")
                // `core.filemode`, `core.symlinks` and `core.ignorecase` as the repository says,
                // as git applies them to its index (an index opened by path ignores them).
                try check(git_index_set_caps(index, Int32(GIT_INDEX_CAPABILITY_FROM_OWNER.rawValue)), "git_index_set_caps")
                // The checksum of the index as read; libgit2 changes it when it saves the index.
                let read = git_index_checksum(index).map { ObjectID($0.pointee) }
                // Which paths can have changed: a stat walk of our own, folder by folder, that
                // lstats each tracked file by its name in its folder (agentreplay_worktree_scan)
                // and names the paths whose stat data differ, are gone or racily clean, and
                // the names the index does not have. When git would add nothing for any such
                // name (ignored, or a folder holding only ignored names), libgit2's walk below
                // looks at the suspects alone (none: no walk at all); else, or when the scan
                // cannot tell (see agentreplay_worktree_scan), it walks everything.
                var suspects = agentreplay_paths()
                var unknown = agentreplay_paths()
                defer {
                    agentreplay_paths_free(&suspects)
                    agentreplay_paths_free(&unknown)
                }
                var narrowed = false
                if stamped {
                    let rc = agentreplay_worktree_scan(index, workdir, indexTime, Self.unknownNamesLimit, 0, &suspects, &unknown)
                    if rc < 0 { throw GitError.invalid("out of memory", "agentreplay_worktree_scan") }
                    narrowed = rc == 0
                    // A name git would add something for (a new file or folder) leaves it to
                    // the whole walk; ignored names, and folders holding nothing else (an empty
                    // one, one of ignored build output), do not.
                    for k in 0..<unknown.count where narrowed {
                        narrowed = agentreplay_worktree_adds_nothing(repo, workdir, unknown.paths[k], Self.unknownNamesLimit) == 1
                    }
                }
                // One walk of the working tree against the index (or of the suspects alone):
                // what changed, what is new and not ignored, what is gone; an unchanged file
                // whose stat data was stale (a copy, a checkout, a touch) is read once and its
                // entry refreshed (GIT_DIFF_UPDATE_INDEX), so the next walk need not read it.
                var options = git_diff_options()
                try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
                options.flags =
                    GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue
                    | GIT_DIFF_INCLUDE_TYPECHANGE.rawValue | GIT_DIFF_UPDATE_INDEX.rawValue
                    | GIT_DIFF_SKIP_BINARY_CHECK.rawValue | GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
                if narrowed {
                    // Exact paths (GIT_DIFF_DISABLE_PATHSPEC_MATCH): no pattern, no folder.
                    options.pathspec = git_strarray(strings: suspects.paths, count: suspects.count)
                }
                let diff: Owned<OpaquePointer>? =
                    narrowed && suspects.count == 0
                    ? nil
                    : try Owned.make("git_diff_index_to_workdir", free: git_diff_free) {
                        git_diff_index_to_workdir(&$0, repo, index, &options)
                    }
                let changed: [(path: String, gone: Bool)] =
                    diff.map {
                        $0.use { diff in
                            (0..<git_diff_num_deltas(diff)).compactMap { k in
                                guard let delta = git_diff_get_delta(diff, k)?.pointee else { return nil }
                                switch delta.status {
                                case GIT_DELTA_DELETED:
                                    return delta.old_file.path.map { (String(cString: $0), true) }
                                case GIT_DELTA_MODIFIED, GIT_DELTA_UNTRACKED, GIT_DELTA_TYPECHANGE, GIT_DELTA_ADDED, GIT_DELTA_CONFLICTED:
                                    return delta.new_file.path.map { (String(cString: $0), false) }
                                default:
                                    return nil
                                }
                            }
                        }
                    } ?? []
                var drivers = FilterDrivers(repo: repo)
                defer { drivers.free() }
                for (path, gone) in changed {
                    // What `git add -A` leaves as the index has it: a sparse checkout's entry
                    // outside the cone (skip-worktree: absent from disk, not deleted) and one
                    // marked assume-unchanged (its changes not looked at).
                    if let entry = git_index_get_bypath(index, path, 0)?.pointee,
                        entry.flags_extended & UInt16(GIT_INDEX_ENTRY_SKIP_WORKTREE.rawValue) != 0
                            || entry.flags & UInt16(GIT_INDEX_ENTRY_VALID.rawValue) != 0
                    {
                        continue
                    }
                    if gone {
                        try check(git_index_remove_bypath(index, path), "git_index_remove_bypath")
                    } else {
                        // A folder the walk did not enter ("vendor/lib/") is a repository of
                        // its own: added as a gitlink to its HEAD, as `git add` does.
                        let name = path.hasSuffix("/") ? String(path.dropLast()) : path
                        try drivers.refuse(name)
                        try check(git_index_add_bypath(index, name), "git_index_add_bypath")
                    }
                }
                var oid = git_oid()
                try check(git_index_write_tree(&oid, index), "git_index_write_tree")
                // Saved only when it changed: a clean tree leaves the file as it was (its stat
                // data and tree cache still true), which spares writing and hashing every
                // entry. It changed when it was seeded just now, when a path was added or
                // removed (and the tree cache rebuilt by git_index_write_tree), or when the
                // walk refreshed stat data: libgit2 then saved it itself (its checksum moved),
                // with the tree cache of the refreshed folders cleared, rebuilt since.
                let saved = git_index_checksum(index).map { ObjectID($0.pointee) } != read
                if seeded || !changed.isEmpty || saved {
                    let rc = git_index_write(index)
                    if rc < 0 && rc != GIT_ELOCKED.rawValue { try check(rc, "git_index_write") }
                }
                // The entries and their tree as the stat cache the next call starts from.
                Self.saveCache(of: index, tree: ObjectID(oid), at: Self.cachePath(privateIndex: indexPath))
                return ObjectID(oid)
            }
        }
    }

    /// A file's identity as `stat` gives it (device, inode, size, modification and change
    /// times): another file put in its place, or the file written, gives another; "absent"
    /// when there is none.
    static func fileIdentity(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "absent" }
        return
            "\(info.st_dev) \(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
    }

    /// Creates the direct reference `name` to `id` unless it exists; returns whether it was
    /// created (`git_reference_create` without force). The target must exist.
    public func createReferenceIfAbsent(_ name: String, to id: ObjectID, message: String) throws -> Bool {
        try use { repo in
            var oid = id.oid
            var out: OpaquePointer?
            let rc = git_reference_create(&out, repo, name, &oid, 0, message)
            if rc == GIT_EEXISTS.rawValue { return false }
            try check(rc, "git_reference_create")
            if let out { git_reference_free(out) }
            return true
        }
    }
}
