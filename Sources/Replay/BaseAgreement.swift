import Git
import ToolSemantics

/// The search for a base commit by agreement: the newest commit, at or before the session's
/// start, on the branch the log names (else HEAD's history), whose files agree with what the
/// session first saw of each file (`FirstSight`).
///
/// Commits are taken newest first by committer time from the branch's tips — its local
/// branch and its remote-tracking branches, else HEAD — over all their ancestors, as
/// `git log --date-order` lists them; a commit later than the session's start is walked past.
/// Each candidate's files are compared with the sights by tree entry: a whole-file sight by
/// its blob id (hashed, never written) against the entry's id, without reading the file; only
/// an entry whose id differs, or a partial sight, reads the blob, and each answer is kept per
/// blob id. A sight that disagrees moves to the front, so a line of commits that all differ
/// in one file costs one lookup each. Bounded: at most `walkLimit` commits walked and
/// `candidateLimit` compared.
struct BaseAgreement {
    /// The most commits walked (those later than the session's start included).
    static let walkLimit = 10_000
    /// The most commits whose files are compared with the sights.
    static let candidateLimit = 10_000

    /// What the search found.
    struct Found {
        /// The agreeing commit; nil when none did.
        var commit: ObjectID?
        /// Commits compared with the sights.
        var examined: Int
        /// Where the walk began: `refs/heads/<branch>`, `refs/remotes/<remote>/<branch>`, or `HEAD`.
        var tips: [String]
    }

    let repository: Repository
    let sights: [FirstSight]
    /// Sight indices, the last one to disagree first.
    private var order: [Int]
    /// Each sight's answer per tree entry id (nil: no file there).
    private var answers: [[ObjectID?: Bool]]

    init(_ sights: [FirstSight], in repository: Repository) {
        self.repository = repository
        self.sights = sights
        order = Array(sights.indices)
        answers = Array(repeating: [:], count: sights.count)
    }

    /// The newest agreeing commit at or before `start` (any time when nil) from the tips of
    /// `branch` (HEAD when the log names none or the repository has no such branch).
    static func find(_ sights: [FirstSight], before start: Int64?, branch: String?, in repository: Repository) throws -> Found {
        var search = BaseAgreement(sights, in: repository)
        let tips = try Self.tips(branch: branch, in: repository)
        var queue: [(time: Int64, id: ObjectID, tree: ObjectID, parents: [ObjectID])] = []
        var queued: Set<ObjectID> = []
        func push(_ id: ObjectID) {
            guard queued.insert(id).inserted, let link = try? repository.commitLink(id) else { return }
            // Ascending by (time, id): the newest is last, and ties are broken by id, not by chance.
            let item = (time: link.time, id: id, tree: link.tree, parents: link.parents)
            var low = 0, high = queue.count
            while low < high {
                let mid = (low + high) / 2
                if (queue[mid].time, queue[mid].id) < (item.time, item.id) { low = mid + 1 } else { high = mid }
            }
            queue.insert(item, at: low)
        }
        for tip in tips { push(tip.id) }
        var walked = 0
        var examined = 0
        while let commit = queue.popLast(), walked < walkLimit, examined < candidateLimit {
            walked += 1
            if start.map({ commit.time <= $0 }) ?? true {
                examined += 1
                if try search.agrees(tree: commit.tree) {
                    return Found(commit: commit.id, examined: examined, tips: tips.map(\.name))
                }
            }
            for parent in commit.parents { push(parent) }
        }
        return Found(commit: nil, examined: examined, tips: tips.map(\.name))
    }

    /// The tips of `branch`: `refs/heads/<branch>`, then each `refs/remotes/<remote>/<branch>`
    /// (by name); HEAD when there is none of them or no branch is named.
    static func tips(branch: String?, in repository: Repository) throws -> [(name: String, id: ObjectID)] {
        var tips: [(name: String, id: ObjectID)] = []
        if let branch {
            let local = "refs/heads/" + branch
            if let id = try? repository.reference(local) { tips.append((local, id)) }
            for (name, id) in try repository.references(withPrefix: "refs/remotes/") {
                let rest = name.dropFirst("refs/remotes/".count)
                guard let slash = rest.firstIndex(of: "/"), rest[rest.index(after: slash)...] == branch else { continue }
                if !tips.contains(where: { $0.id == id }) { tips.append((name, id)) }
            }
        }
        if tips.isEmpty, let head = try repository.head() { tips.append(("HEAD", head)) }
        return tips
    }

    /// Whether every sight agrees with the file at its path in `tree`.
    mutating func agrees(tree: ObjectID) throws -> Bool {
        for (k, i) in order.enumerated() {
            let entry = try repository.entryOnce(in: tree, path: sights[i].path.value)
            // A directory, a link or a submodule is no file to a sight.
            let id = entry.flatMap { $0.mode == .blob || $0.mode == .executable ? $0.id : nil }
            if try !answer(i, id) {
                order.remove(at: k)
                order.insert(i, at: 0)
                return false
            }
        }
        return true
    }

    /// Sight `i`'s answer for the file whose blob is `id` (nil: no file).
    private mutating func answer(_ i: Int, _ id: ObjectID?) throws -> Bool {
        if let known = answers[i][id] { return known }
        let sight = sights[i]
        let agrees: Bool
        if case .whole(_, let blob?) = sight.test, blob == id {
            agrees = true
        } else {
            agrees = sight.agrees(with: try id.map { try repository.blob($0) })
        }
        answers[i][id] = agrees
        return agrees
    }
}
