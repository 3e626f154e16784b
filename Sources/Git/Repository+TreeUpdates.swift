import CGit2

extension Repository {
    /// Applies `updates` to the tree `base` and returns the new tree's id
    /// (`git_tree_create_updated`, which writes every new tree object).
    ///
    /// Semantics, beyond libgit2's own rules (sorted input, no type changes):
    /// - updates may come in any order, but each path at most once;
    /// - removals apply first, then upserts; removing an absent path is a no-op;
    /// - an upsert may turn a file into a directory or back (the old entry is
    ///   removed first), and creates missing directories;
    /// - a directory left empty disappears; `base` may be ``ObjectID/emptyTree``.
    ///
    /// Throws a ``GitError`` for an invalid path (empty, absolute, `.`/`..` components),
    /// a duplicate path, upserts that make one path both a file and a directory, or a
    /// blob that does not exist.
    public func updateTree(_ base: ObjectID, _ updates: [TreeUpdate]) throws -> ObjectID {
        let function = "updateTree"
        var seen = Set<ExactName>()
        for update in updates {
            try Self.validate(update.path, function)
            guard seen.insert(ExactName(update.path)).inserted else {
                throw GitError.invalid("path '\(update.path)' is updated twice", function)
            }
        }
        let upserts = updates.compactMap { update -> (path: String, id: ObjectID, mode: FileMode)? in
            if case .upsert(let path, let id, let mode) = update { return (path, id, mode) }
            return nil
        }
        let upsertPaths = Set(upserts.map { ExactName($0.path) })
        for upsert in upserts {
            if let parent = Self.ancestors(of: upsert.path).first(where: { upsertPaths.contains(ExactName($0)) }) {
                throw GitError.invalid(
                    "'\(parent)' cannot be both a file and the directory of '\(upsert.path)'", function)
            }
        }

        // Phase 1: the removals asked for, plus whatever is in the way of an upsert.
        var removals = Set<ExactName>()
        for update in updates {
            if case .remove(let path) = update, try entry(in: base, path: path) != nil {
                removals.insert(ExactName(path))
            }
        }
        for upsert in upserts {
            for ancestor in Self.ancestors(of: upsert.path) {
                guard let existing = try entry(in: base, path: ancestor) else { break }
                if existing.mode != .tree {
                    removals.insert(ExactName(ancestor))
                    break
                }
            }
            if let existing = try entry(in: base, path: upsert.path),
                Self.objectType(existing.mode) != Self.objectType(upsert.mode)
            {
                removals.insert(ExactName(upsert.path))
            }
        }
        // A removed directory takes its contents with it; removing both confuses libgit2.
        let outermost = removals.filter { path in !Self.ancestors(of: path.value).contains { removals.contains(ExactName($0)) } }

        for upsert in upserts where upsert.mode != .commit {
            guard try objectExists(upsert.id) else {
                throw GitError.invalid("object \(upsert.id.hex) for '\(upsert.path)' does not exist", "git_odb_exists")
            }
        }
        let edit = TreeEdit()
        for path in outermost { edit.remove(path.value) }
        for upsert in upserts { edit.upsert(upsert.path, TreeEntry(name: "", id: upsert.id, mode: upsert.mode)) }
        return try edit.apply(to: base, in: self) ?? writeTree(sorted: [])
    }

    /// A tree holding exactly `files` (``updateTree(_:_:)`` on the empty tree).
    public func treeFromScratch(_ files: [(path: String, blob: ObjectID, mode: FileMode)]) throws -> ObjectID {
        try updateTree(.emptyTree, files.map { .upsert(path: $0.path, blob: $0.blob, mode: $0.mode) })
    }

    /// Rejects paths libgit2 would mis-handle: empty, absolute, trailing slash, empty,
    /// `.` or `..` components, NUL bytes.
    private static func validate(_ path: String, _ function: String) throws {
        // Over the bytes: splitting by characters was a tenth of a commit's work.
        var bad = path.isEmpty
        var length = 0, dots = 0  // the current component's length and its dots
        for byte in path.utf8 {
            if byte == 0 { bad = true; break }
            if byte == UInt8(ascii: "/") {
                if length == 0 || length == dots && dots <= 2 { bad = true; break }
                length = 0
                dots = 0
                continue
            }
            length += 1
            if byte == UInt8(ascii: ".") { dots += 1 }
        }
        if length == 0 || length == dots && dots <= 2 { bad = true }
        if bad { throw GitError.invalid("invalid tree path '\(path)'", function) }
    }

    /// The directory prefixes of `path`, outermost first: `a/b/c` gives `a`, `a/b`.
    static func ancestors(of path: String) -> [String] {
        var out: [String] = []
        var index = path.startIndex
        while let slash = path[index...].firstIndex(of: "/") {
            out.append(String(path[..<slash]))
            index = path.index(after: slash)
        }
        return out
    }

    private static func objectType(_ mode: FileMode) -> git_object_t {
        switch mode {
        case .tree: GIT_OBJECT_TREE
        case .commit: GIT_OBJECT_COMMIT
        case .blob, .executable, .link: GIT_OBJECT_BLOB
        }
    }
}
