#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CGit2

extension Repository {
    /// The working tree as a tree object: every tracked file as it is on disk (deleted ones
    /// left out) and every untracked file git does not ignore, with their blobs and trees
    /// written to the object database. Nothing else of the repository changes: not its
    /// index, HEAD, working tree or any reference.
    ///
    /// The tree is built in a private index at `indexPath` (made from a copy of the
    /// repository's own index the first time, so its stat cache is used from the start),
    /// set as this handle's in-memory index (`git_repository_set_index`), brought up to date
    /// with `git_index_update_all` and `git_index_add_all` (a file whose `lstat` matches its
    /// entry is not read; a directory whose entries did not change keeps its cached tree id),
    /// written as trees (`git_index_write_tree`) and saved back to `indexPath`, so the next
    /// call costs about one `lstat` per file. A bare repository has no working tree: throws.
    ///
    /// When another process holds `indexPath`'s lock (two hooks at once), the tree is still
    /// returned and the private index is simply not saved this time.
    public func workTreeTree(privateIndex indexPath: String) throws -> ObjectID {
        guard workingDirectory != nil else {
            throw GitError.invalid("a bare repository has no working tree", "workTreeTree")
        }
        if try FileSystem.kind(indexPath) == nil {
            let folder = String(indexPath[..<(indexPath.lastIndex(of: "/") ?? indexPath.startIndex)])
            if !folder.isEmpty { try FileSystem.makeDirectoryPath(folder) }
            // The repository's own index, read (git replaces it by a rename, so any version
            // read is whole): its stat cache spares hashing the files the first time.
            if case .success(let bytes) = FileBytes.read(gitDirectory + "/index") {
                try FileSystem.writeFile(indexPath, bytes, mode: 0o644)
            }
        }
        return try use { repo in
            let index = try Owned.make("git_index_open", free: git_index_free) { git_index_open(&$0, indexPath) }
            return try index.use { index in
                try check(git_repository_set_index(repo, index), "git_repository_set_index")
                try check(git_index_update_all(index, nil, nil, nil), "git_index_update_all")
                try check(git_index_add_all(index, nil, UInt32(GIT_INDEX_ADD_DEFAULT.rawValue), nil, nil), "git_index_add_all")
                var oid = git_oid()
                try check(git_index_write_tree(&oid, index), "git_index_write_tree")
                let rc = git_index_write(index)
                if rc < 0 && rc != GIT_ELOCKED.rawValue { try check(rc, "git_index_write") }
                return ObjectID(oid)
            }
        }
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
