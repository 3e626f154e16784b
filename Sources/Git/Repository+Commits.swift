import CGit2

extension Repository {
    /// The tree of a commit (`git_commit_tree_id`).
    public func tree(ofCommit commit: ObjectID) throws -> ObjectID {
        try withCommit(commit) { ObjectID(git_commit_tree_id($0)) }
    }

    /// The parents of a commit, in order (`git_commit_parent_id`).
    public func commitParents(_ commit: ObjectID) throws -> [ObjectID] {
        try withCommit(commit) { c in
            (0..<git_commit_parentcount(c)).map { ObjectID(git_commit_parent_id(c, $0)) }
        }
    }

    /// The full message of a commit (`git_commit_message`: leading newlines removed).
    public func commitMessage(_ commit: ObjectID) throws -> String {
        try withCommit(commit) { String(cString: git_commit_message($0)) }
    }

    /// The author of a commit (`git_commit_author`).
    public func commitAuthor(_ commit: ObjectID) throws -> Signature {
        try withCommit(commit) { Signature(git_commit_author($0)) }
    }

    /// The committer of a commit (`git_commit_committer`).
    public func commitCommitter(_ commit: ObjectID) throws -> Signature {
        try withCommit(commit) { Signature(git_commit_committer($0)) }
    }

    /// Writes a commit object and returns its id without moving any reference
    /// (`git_commit_create` with a NULL `update_ref`). The message is stored exactly as
    /// given (add a trailing newline to match `git commit`). Deterministic: the same
    /// inputs always give the same id. The tree and parents must exist.
    public func createCommit(
        tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature,
        message: String
    ) throws -> ObjectID {
        try use { repo in
            let treeObject = try lookup(tree, GIT_OBJECT_TREE, in: repo)
            let parentObjects = try parents.map { try lookup($0, GIT_OBJECT_COMMIT, in: repo) }
            let authorSig = try author.owned()
            let committerSig = try committer.owned()
            var out = git_oid()
            try withExtendedLifetime((treeObject, parentObjects, authorSig, committerSig)) {
                var parentPointers: [OpaquePointer?] = parentObjects.map { $0.use { $0 } }
                let rc = authorSig.use { a in
                    committerSig.use { c in
                        treeObject.use { t in
                            parentPointers.withUnsafeMutableBufferPointer { buffer in
                                git_commit_create(
                                    &out, repo, nil, a, c, nil, message, t, buffer.count,
                                    buffer.baseAddress)
                            }
                        }
                    }
                }
                try check(rc, "git_commit_create")
            }
            return ObjectID(out)
        }
    }

    /// Looks a commit up and lends it to `body` (`git_commit_lookup`, freed after).
    func withCommit<R>(_ id: ObjectID, _ body: (OpaquePointer) throws -> R) throws -> R {
        try use { repo in try lookup(id, GIT_OBJECT_COMMIT, in: repo).use(body) }
    }

    /// Looks up an object of the given type (`git_object_lookup`); the owner frees it.
    func lookup(_ id: ObjectID, _ type: git_object_t, in repo: OpaquePointer) throws -> Owned<OpaquePointer> {
        var oid = id.oid
        return try Owned.make("git_object_lookup", free: git_object_free) {
            git_object_lookup(&$0, repo, &oid, type)
        }
    }
}
