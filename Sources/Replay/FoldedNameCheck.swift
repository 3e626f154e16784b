import Git

/// Whether the session made a file or folder whose name differs from another name of the same
/// folder only in case or in Unicode normalisation (`README.md` and `readme.md`; `café`
/// precomposed and with a combining accent).
///
/// Replay keeps such names apart, as git and Linux's file systems do. But on a file system that
/// folds them (macOS's and Windows' by default, where most sessions run), the session wrote
/// the one file that was there, under its old name, and the log cannot tell which it was: the
/// run is not verified.
enum FoldedNameCheck {
    static func caveat(steps: [Run.Step], finalTree: ObjectID, in repository: Repository) throws -> String? {
        // Each folder's names by their folded form (a String key: canonically equivalent text
        // is one key), read once from the final tree.
        var folders: [ExactName: [String: [String]]] = [:]
        func names(_ folder: String) throws -> [String: [String]] {
            if let known = folders[ExactName(folder)] { return known }
            var tree: ObjectID? = finalTree
            if !folder.isEmpty { tree = try repository.entry(in: finalTree, path: folder).flatMap { $0.mode == .tree ? $0.id : nil } }
            var byFolded: [String: [String]] = [:]
            for entry in try tree.map({ try repository.entries(of: $0) }) ?? [] { byFolded[entry.name.lowercased(), default: []].append(entry.name) }
            folders[ExactName(folder)] = byFolded
            return byFolded
        }
        for step in steps {
            for change in step.changes where change.before == nil && change.after != nil {
                // The new file, and each folder above it (one made by this step may be a twin too).
                var folder = ""
                for component in change.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init) {
                    let alike = try names(folder)[component.lowercased()] ?? []
                    if alike.contains(where: { ExactName($0) == ExactName(component) }),
                        let twin = alike.first(where: { ExactName($0) != ExactName(component) })
                    {
                        let here = folder.isEmpty ? "" : folder + "/"
                        return "#\(step.index) made \(here)\(component) beside \(here)\(twin), a name that differs only in case or "
                            + "Unicode normalisation: on a file system that folds them (macOS's and Windows' by default) they are one file"
                    }
                    folder = folder.isEmpty ? component : folder + "/" + component
                }
            }
        }
        return nil
    }
}
