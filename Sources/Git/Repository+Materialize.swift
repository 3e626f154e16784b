extension Repository {
    /// Writes every file of `tree` into the plain directory `directory` (created if
    /// missing): folders as needed, blobs as 0644 files, executables as 0755, symlinks as
    /// symlinks, submodules as empty folders. Whatever is in the way of a tree path is
    /// replaced; other existing files are left alone. Nothing here touches a repository's
    /// index or working tree. Throws for paths git itself refuses to check out
    /// (`.`, `..`, `.git` components).
    public func materialize(tree: ObjectID, into directory: String) throws {
        try FileSystem.makeDirectoryPath(directory)
        for (path, entry) in try walk(tree) {
            try write(entry.id, mode: entry.mode, path: path, root: directory)
        }
    }

    /// Brings a directory that holds the files of tree `from` to tree `to`, touching
    /// only the paths that differ (so build products and caches survive): removed files
    /// are deleted and the directories they leave empty pruned, then new and changed
    /// files written.
    public func updateMaterialized(from old: ObjectID, to new: ObjectID, directory: String) throws {
        let changes = try diff(from: old, to: new)
        for change in changes where change.newID == nil {
            let components = try Self.checkoutComponents(change.path)
            try FileSystem.remove(directory + "/" + change.path)
            FileSystem.pruneEmpty(Self.parents(components, root: directory))
        }
        for change in changes {
            guard let id = change.newID, let mode = change.newMode else { continue }
            try write(id, mode: mode, path: change.path, root: directory)
        }
    }

    private func write(_ id: ObjectID, mode: FileMode, path: String, root: String) throws {
        let components = try Self.checkoutComponents(path)
        for parent in Self.parents(components, root: root) {
            try FileSystem.makeDirectory(parent)
        }
        let target = root + "/" + path
        switch mode {
        case .blob: try FileSystem.writeFile(target, try blob(id), mode: 0o644)
        case .executable: try FileSystem.writeFile(target, try blob(id), mode: 0o755)
        case .link: try FileSystem.writeSymlink(target, target: String(decoding: try blob(id), as: UTF8.self))
        case .commit, .tree: try FileSystem.makeDirectory(target)
        }
    }

    /// The components of a tree path, refusing what `git checkout` refuses.
    private static func checkoutComponents(_ path: String) throws -> [Substring] {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        for component in components
        where component.isEmpty || component == "." || component == ".." || component.lowercased() == ".git" {
            throw GitError.invalid("refusing to write tree path '\(path)'", "materialize")
        }
        return components
    }

    /// The absolute parent directories of a path's components, outermost first.
    private static func parents(_ components: [Substring], root: String) -> [String] {
        var out: [String] = []
        var current = root
        for component in components.dropLast() {
            current += "/" + component
            out.append(current)
        }
        return out
    }
}
