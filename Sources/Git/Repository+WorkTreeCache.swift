#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CGit2
import CGit2Support

/// The recording hook's stat cache (`agentreplay_worktree_cache`): the tracked files' stat
/// data, blob ids and modes, and the tree they make, beside the private index. A call whose
/// stat walk finds only changed or gone tracked files, and new files and folders git does not
/// ignore, is answered from it without libgit2's index: libgit2 1.5 hashes the whole index file twice
/// when it reads it and once when it writes it with its collision-detecting SHA-1, and reads
/// every tree back after `git_index_write_tree`; on 10,000 files that was half of a call's
/// instructions. Anything else is left to the private index and libgit2's walk
/// (``workTreeTree(privateIndex:)``), which saves the cache again.
///
/// A cache is true of the moment it was written (each one is written whole, then renamed into
/// place), however old: what changed since differs in its stat data, or is a name it lacks, and
/// the walk finds it.
extension Repository {
    /// The stat cache beside the private index `indexPath`.
    static func cachePath(privateIndex indexPath: String) -> String {
        indexPath + ".cache"
    }

    /// The working tree's tree from the stat cache at `cachePath`; nil when there is no cache
    /// or the walk finds something only libgit2's whole walk answers (a folder gone or made a
    /// file, a nested repository, a conflict…), or libgit2 fails on a path: the caller then
    /// asks the private index.
    func cachedWorkTreeTree(workdir: String, cachePath: String) throws -> ObjectID? {
        var cache = agentreplay_worktree_cache()
        let read = agentreplay_worktree_cache_read(cachePath, &cache)
        if read < 0 { throw GitError.invalid("out of memory", "agentreplay_worktree_cache_read") }
        guard read == 0 else { return nil }
        defer { agentreplay_worktree_cache_free(&cache) }
        var suspects = agentreplay_paths()
        var unknown = agentreplay_paths()
        defer {
            agentreplay_paths_free(&suspects)
            agentreplay_paths_free(&unknown)
        }
        let scan = agentreplay_worktree_scan_entries(
            cache.pointers, cache.count, workdir, cache.mtime, Self.unknownNamesLimit, 0, &suspects, &unknown)
        if scan < 0 { throw GitError.invalid("out of memory", "agentreplay_worktree_scan_entries") }
        guard scan == 0 else { return nil }
        return try use { repo -> ObjectID? in
            // Names the cache lacks: nothing git would add, a file (or symlink) git does not
            // ignore, or a folder whose files git does not ignore (found as git finds them),
            // added; anything else is left to the whole walk.
            var added: [String] = []
            var found = agentreplay_paths()
            defer { agentreplay_paths_free(&found) }
            for k in 0..<unknown.count {
                guard let name = unknown.paths[k] else { return nil }
                if agentreplay_worktree_adds_nothing(repo, workdir, name, Self.unknownNamesLimit) == 1 { continue }
                var info = stat()
                var ignored: Int32 = 0
                guard lstat(workdir + "/" + String(cString: name), &info) == 0,
                    git_ignore_path_is_ignored(&ignored, repo, name) == 0, ignored == 0
                else { return nil }
                switch info.st_mode & S_IFMT {
                case S_IFREG, S_IFLNK: added.append(String(cString: name))
                case S_IFDIR:
                    let rc = agentreplay_worktree_new_files(repo, workdir, name, Self.unknownNamesLimit, &found)
                    if rc < 0 { throw GitError.invalid("out of memory", "agentreplay_worktree_new_files") }
                    guard rc == 0 else { return nil }
                default: return nil
                }
            }
            for k in 0..<found.count { added.append(String(cString: found.paths[k]!)) }
            if suspects.count == 0 && added.isEmpty { return ObjectID(cache.tree) }

            // The suspects' entries in an index of their own, then each file read again as
            // `git add` reads it (`git_index_add_bypath`: its filters, its mode against the
            // entry's) or removed when it is gone.
            let small = try Owned.make("git_index_new", free: git_index_free) { git_index_new(&$0) }
            return try small.use { small -> ObjectID? in
                try check(git_repository_set_index(repo, small), "git_repository_set_index")
                try check(git_index_set_caps(small, Int32(GIT_INDEX_CAPABILITY_FROM_OWNER.rawValue)), "git_index_set_caps")
                // In the cache's order (the walk's).
                var suspected: [(path: String, entry: UnsafePointer<git_index_entry>)] = []
                var gone: Set<ExactName> = []
                for k in 0..<suspects.count {
                    guard let path = suspects.paths[k], let entry = Self.find(path, in: cache) else { return nil }
                    suspected.append((String(cString: path), entry))
                    guard git_index_add(small, entry) == 0 else { return nil }
                }
                var drivers = FilterDrivers(repo: repo)
                defer { drivers.free() }
                for (path, _) in suspected {
                    var info = stat()
                    if lstat(workdir + "/" + path, &info) != 0 {
                        guard errno == ENOENT || errno == ENOTDIR, git_index_remove_bypath(small, path) == 0 else { return nil }
                        gone.insert(ExactName(path))
                    } else {
                        try drivers.refuse(path)
                        guard git_index_add_bypath(small, path) == 0 else { return nil }
                    }
                }
                for path in added {
                    try drivers.refuse(path)
                    guard git_index_add_bypath(small, path) == 0 else { return nil }
                }
                // What changed in the tree: a blob id or mode, a file gone, a file new.
                var updates: [TreeUpdate] = []
                // Each suspect's entry now, by its entry in the cache (nil: gone).
                var now: [UnsafePointer<git_index_entry>: UnsafePointer<git_index_entry>?] = [:]
                var new: [UnsafePointer<git_index_entry>] = []
                for (path, before) in suspected.map({ ($0.path, Optional($0.entry)) }) + added.map({ ($0, nil) }) {
                    if gone.contains(ExactName(path)) {
                        updates.append(.remove(path: path))
                        if let before { now[before] = .some(nil) }
                        continue
                    }
                    guard let entry = git_index_get_bypath(small, path, 0),
                        let mode = FileMode(rawValue: entry.pointee.mode), mode.isBlob
                    else { return nil }
                    if let before { now[before] = entry } else { new.append(entry) }
                    if let before, before.pointee.mode == entry.pointee.mode, ObjectID(before.pointee.id) == ObjectID(entry.pointee.id) {
                        continue
                    }
                    updates.append(.upsert(path: path, blob: ObjectID(entry.pointee.id), mode: mode))
                }
                guard let tree = updates.isEmpty ? ObjectID(cache.tree) : try? updateTree(ObjectID(cache.tree), updates) else {
                    return nil
                }
                // The cache again: the suspects' entries as read now (their stat data too, so
                // the next walk need not read them), the gone ones left out, the new ones in.
                var merged: [UnsafePointer<git_index_entry>?] = []
                merged.reserveCapacity(cache.count + new.count)
                for i in 0..<cache.count {
                    guard let entry = cache.pointers[i] else { continue }
                    if let replaced = now[entry] {
                        if let replaced { merged.append(replaced) }
                    } else {
                        merged.append(entry)
                    }
                }
                merged += new.map { Optional($0) }
                var oid = tree.oid
                _ = merged.withUnsafeMutableBufferPointer {
                    agentreplay_worktree_cache_write(cachePath, $0.baseAddress, $0.count, &oid)
                }
                return tree
            }
        }
    }

    /// The cache's entry for `path` (binary search: the entries are sorted bytewise).
    private static func find(_ path: UnsafePointer<CChar>, in cache: agentreplay_worktree_cache) -> UnsafePointer<git_index_entry>? {
        var lo = 0
        var hi = cache.count
        while lo < hi {
            let mid = (lo + hi) / 2
            guard let entry = cache.pointers[mid] else { return nil }
            let order = strcmp(entry.pointee.path, path)
            if order == 0 { return entry }
            if order < 0 { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    /// Saves `index`'s entries and `tree` as the stat cache at `cachePath` (the caller removed
    /// the old one before it changed the private index). An index that cannot be cached (a
    /// gitlink, a conflict) leaves none; a failure to write only costs the next call the
    /// private index.
    static func saveCache(of index: OpaquePointer, tree: ObjectID, at cachePath: String) {
        let count = git_index_entrycount(index)
        var entries: [UnsafePointer<git_index_entry>?] = (0..<count).map { git_index_get_byindex(index, $0) }
        guard !entries.contains(where: { $0 == nil }) else { return }
        var oid = tree.oid
        _ = entries.withUnsafeMutableBufferPointer {
            agentreplay_worktree_cache_write(cachePath, $0.baseAddress, $0.count, &oid)
        }
    }
}
