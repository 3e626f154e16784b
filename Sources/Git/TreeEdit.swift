/// Removals and upserts of paths, applied to a tree by rewriting only the directories on
/// their way (what `git_tree_create_updated` does, without a tree builder per directory and
/// with the levels read from ``TreeLevels``).
///
/// Within a directory, removals apply first, then the subdirectories' own edits, then the
/// upserts; a directory whose edits leave it empty disappears from its parent. The caller
/// (``Repository/updateTree(_:_:)``) has already checked the paths and turned type changes
/// into a removal followed by an upsert.
final class TreeEdit {
    private var removals: [String] = []
    private var upserts: [(name: String, entry: TreeEntry)] = []
    private var children: [ExactName: TreeEdit] = [:]

    func remove(_ path: String) {
        let (directory, name) = split(path)
        node(directory).removals.append(name)
    }

    func upsert(_ path: String, _ entry: TreeEntry) {
        let (directory, name) = split(path)
        node(directory).upserts.append((name, entry))
    }

    /// The edited tree, or nil when nothing is left in it. Entries keep their places; only
    /// new names (and entries that turn into a directory or out of one, which moves them in
    /// git's order) are sorted and merged in.
    func apply(to tree: ObjectID?, in repository: Repository) throws -> ObjectID? {
        let level = try tree.map { try repository.level($0) }
        var result = Entries(level: level)
        for name in removals { result.set(name, nil) }
        for key in children.keys.sorted() {
            let name = key.value
            let existing = result.current(name)
            let subtree = existing?.mode == .tree ? existing?.id : nil
            result.set(name, try children[key]!.apply(to: subtree, in: repository).map { TreeEntry(name: name, id: $0, mode: .tree) })
        }
        for (name, entry) in upserts { result.set(name, TreeEntry(name: name, id: entry.id, mode: entry.mode)) }
        if let tree, !result.changed { return tree }
        let entries = result.inGitOrder()
        return entries.isEmpty ? nil : try repository.writeTree(sorted: entries, replacing: tree)
    }

    /// One directory's entries while it is edited: the level's own, in place, plus the ones
    /// added, found by name (a span that adds thousands of files to one directory looked
    /// through every one added before each new one: quadratic).
    private struct Entries {
        let level: TreeLevels.Level?
        var kept: [TreeEntry]
        var removed = Set<Int>()
        /// Entries added, by name; a removed one stays as nil.
        var added: [TreeEntry?] = []
        var addedIndex: [ExactName: Int] = [:]
        var changed = false

        init(level: TreeLevels.Level?) {
            self.level = level
            kept = level?.entries ?? []
        }

        func current(_ name: String) -> TreeEntry? {
            if let i = level?.index(of: name), !removed.contains(i) { return kept[i] }
            return addedIndex[ExactName(name)].flatMap { added[$0] }
        }

        mutating func set(_ name: String, _ new: TreeEntry?) {
            if let i = level?.index(of: name), !removed.contains(i) {
                if let new, (new.mode == .tree) == (kept[i].mode == .tree) {
                    if kept[i] != new { kept[i] = new; changed = true }
                    return
                }
                removed.insert(i)
                changed = true
                if let new { add(name, new) }
            } else if let j = addedIndex[ExactName(name)], added[j] != nil || new != nil {
                added[j] = new
                changed = true
            } else if let new {
                add(name, new)
                changed = true
            }
        }

        private mutating func add(_ name: String, _ entry: TreeEntry) {
            if let j = addedIndex[ExactName(name)] {
                added[j] = entry
            } else {
                addedIndex[ExactName(name)] = added.count
                added.append(entry)
            }
        }

        func inGitOrder() -> [TreeEntry] {
            let old = removed.isEmpty ? kept : kept.indices.filter { !removed.contains($0) }.map { kept[$0] }
            let new = added.compactMap { $0 }.sorted(by: TreeLevels.precedes)
            if new.isEmpty { return old }
            // Each new entry's place found by a binary search, the old ones between copied
            // whole: one file added to a directory of k compared names k times.
            var out: [TreeEntry] = []
            out.reserveCapacity(old.count + new.count)
            var i = 0
            for entry in new {
                var low = i, high = old.count
                while low < high {
                    let middle = (low + high) / 2
                    if TreeLevels.precedes(old[middle], entry) { low = middle + 1 } else { high = middle }
                }
                out.append(contentsOf: old[i..<low])
                out.append(entry)
                i = low
            }
            out.append(contentsOf: old[i...])
            return out
        }
    }

    private func node(_ directory: [Substring]) -> TreeEdit {
        var node = self
        for component in directory {
            let name = ExactName(String(component))
            if let child = node.children[name] {
                node = child
            } else {
                let child = TreeEdit()
                node.children[name] = child
                node = child
            }
        }
        return node
    }

    private func split(_ path: String) -> (directory: [Substring], name: String) {
        var components = path.split(separator: "/", omittingEmptySubsequences: false)
        let name = String(components.removeLast())
        return (components, name)
    }
}
