import CGit2

extension Repository {
    /// Resolves a revision (`HEAD`, a branch, a tag, `main~2`, a hex prefix…) to a
    /// commit id: `git_revparse_single`, then `git_object_peel` to a commit.
    /// Throws a ``GitError`` (e.g. "revspec 'x' not found") when it names nothing or
    /// something that is not a commit.
    public func resolveCommit(_ revision: String) throws -> ObjectID {
        try use { repo in
            let object = try Owned.make("git_revparse_single", free: git_object_free) {
                git_revparse_single(&$0, repo, revision)
            }
            let commit = try object.use { object in
                try Owned.make("git_object_peel", free: git_object_free) {
                    git_object_peel(&$0, object, GIT_OBJECT_COMMIT)
                }
            }
            return commit.use { ObjectID(git_object_id($0)) }
        }
    }

    /// The commit HEAD points to, or nil when HEAD is unborn (a new repository)
    /// (`git_repository_head_unborn`, `git_reference_name_to_id`).
    public func head() throws -> ObjectID? {
        try use { repo in
            let unborn = git_repository_head_unborn(repo)
            try check(unborn, "git_repository_head_unborn")
            if unborn == 1 { return nil }
            var oid = git_oid()
            try check(git_reference_name_to_id(&oid, repo, "HEAD"), "git_reference_name_to_id")
            return ObjectID(oid)
        }
    }
}
