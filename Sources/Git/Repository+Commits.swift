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

    /// A commit's tree, parents and committer time (seconds since the epoch), from one lookup
    /// (`git_commit_tree_id`, `git_commit_parent_id`, `git_commit_time`): a walk over history
    /// needs all three of each commit.
    public func commitLink(_ commit: ObjectID) throws -> (tree: ObjectID, parents: [ObjectID], time: Int64) {
        try withCommit(commit) { c in
            (
                ObjectID(git_commit_tree_id(c)), (0..<git_commit_parentcount(c)).map { ObjectID(git_commit_parent_id(c, $0)) },
                Int64(git_commit_time(c))
            )
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
        if let memory, Self.plainTimes.contains(author.time), Self.plainTimes.contains(committer.time) {
            // The bytes `git_commit_create` would write, without looking the tree and the
            // parents up (each a read and a parse).
            let bytes = try Self.commitBytes(
                tree: tree, parents: parents, author: author, committer: committer, message: message, names: checkedNames)
            return try bytes.withUnsafeBytes { try memory.put($0, GIT_OBJECT_COMMIT) }
        }
        return try use { repo in
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

    /// The times `commitBytes` writes as libgit2 does: it writes a time as a 32-bit unsigned
    /// number (wrapping), so outside this range only its own path gives its bytes.
    static let plainTimes = 0...Int64(UInt32.max)

    /// A commit object's bytes as `git_commit_create` writes them (no encoding header, the
    /// message up to a NUL);
    /// `git_signature_new` still checks and trims names and emails. Times in `plainTimes`.
    static func commitBytes(
        tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String,
        names: CheckedNames = CheckedNames()
    ) throws -> [UInt8] {
        guard plainTimes.contains(author.time), plainTimes.contains(committer.time) else {
            throw GitError.invalid("a commit time outside 1970...2106", "commitBytes")
        }
        var text = Array("tree \(tree.hex)\n".utf8)
        for parent in parents { text += Array("parent \(parent.hex)\n".utf8) }
        try author.appendLine("author", names: names, to: &text)
        try committer.appendLine("committer", names: names, to: &text)
        text.append(0x0A)
        // libgit2 takes the message as a C string: it ends at a NUL.
        text += message.utf8.prefix { $0 != 0 }
        return text
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
