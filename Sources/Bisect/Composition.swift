import Git

/// The trees `--minimal` tests: the base with the changes of some candidates only.
///
/// A candidate's change to a path is the path as the candidate left it (its blob and mode,
/// or its removal), so applying candidates in order, the last one to touch a path decides
/// it. Applying every candidate gives the end's tree; applying none, the base. A candidate
/// that rewrote a file another one had edited first carries that edit with it: the
/// granularity is a whole file per span.
public struct Composition {
    let history: History
    let repository: Repository
    private var changes: [Int: [TreeChange]] = [:]

    public init(history: History, repository: Repository) {
        self.history = history
        self.repository = repository
    }

    /// The tree of the base with the changes of `combination` (candidate numbers).
    public mutating func tree(_ combination: [Int]) throws -> ObjectID {
        if combination.isEmpty { return history.baseTree }
        if combination.count == history.candidates.count { return history.candidates.last!.tree }
        var last: [String: TreeChange] = [:]
        for number in combination.sorted() {
            for change in try changes(of: number) { last[change.path] = change }
        }
        let updates: [TreeUpdate] = last.values.map { change in
            if let id = change.newID, let mode = change.newMode { return .upsert(path: change.path, blob: id, mode: mode) }
            return .remove(path: change.path)
        }
        return try repository.updateTree(history.baseTree, updates)
    }

    private mutating func changes(of number: Int) throws -> [TreeChange] {
        if let known = changes[number] { return known }
        let candidate = history.candidates[number - 1]
        let list = try repository.diff(from: candidate.parentTree, to: candidate.tree)
        changes[number] = list
        return list
    }
}
