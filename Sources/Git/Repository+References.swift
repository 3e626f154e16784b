import CGit2

extension Repository {
    /// The commit (or object) a reference points to, following symbolic references, or
    /// nil when it does not exist (`git_reference_name_to_id`).
    public func reference(_ name: String) throws -> ObjectID? {
        try use { repo in
            var oid = git_oid()
            let rc = git_reference_name_to_id(&oid, repo, name)
            if rc == GIT_ENOTFOUND.rawValue { return nil }
            try check(rc, "git_reference_name_to_id")
            return ObjectID(oid)
        }
    }

    /// Creates or moves (force) the direct reference `name` to `id`, with `message` for
    /// the reflog when one is kept (`git_reference_create`). The target must exist.
    public func setReference(_ name: String, to id: ObjectID, message: String) throws {
        try use { repo in
            var oid = id.oid
            _ = try Owned.make("git_reference_create", free: git_reference_free) {
                git_reference_create(&$0, repo, name, &oid, 1, message)
            }
        }
    }

    /// Deletes the reference `name`; a missing reference is not an error
    /// (`git_reference_lookup`, `git_reference_delete`).
    public func deleteReference(_ name: String) throws {
        try use { repo in
            var out: OpaquePointer?
            let rc = git_reference_lookup(&out, repo, name)
            if rc == GIT_ENOTFOUND.rawValue { return }
            try check(rc, "git_reference_lookup")
            guard let out else { return }
            try Owned(out, free: git_reference_free).use {
                try check(git_reference_delete($0), "git_reference_delete")
            }
        }
    }

    /// Every reference whose full name starts with `prefix` (e.g. `refs/agentreplay/`),
    /// resolved to an id and sorted by name bytes (`git_reference_iterator_new`,
    /// `git_reference_next_name`). Symbolic references that resolve to nothing are skipped.
    public func references(withPrefix prefix: String) throws -> [(name: String, id: ObjectID)] {
        try use { repo in
            let iterator = try Owned.make("git_reference_iterator_new", free: git_reference_iterator_free) {
                git_reference_iterator_new(&$0, repo)
            }
            var names: [String] = []
            try iterator.use { iterator in
                while true {
                    var name: UnsafePointer<CChar>?
                    let rc = git_reference_next_name(&name, iterator)
                    if rc == GIT_ITEROVER.rawValue { break }
                    try check(rc, "git_reference_next_name")
                    if let name, case let text = String(cString: name), text.hasPrefix(prefix) {
                        names.append(text)
                    }
                }
            }
            names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return try names.compactMap { name in try reference(name).map { (name, $0) } }
        }
    }
}
