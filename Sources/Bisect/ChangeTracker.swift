import Git

/// How a worktree notices the tracked files a test changed, added over or deleted, so they
/// are written again before the next probe: `ChangeWatch` asks the kernel (Linux inotify),
/// `StatIndex` compares every file's `lstat` with the one recorded after writing it.
protocol ChangeTracker: AnyObject {
    /// Starts over on a directory that holds exactly the tracked files of `tree`.
    func start(tree: ObjectID, repository: Repository) throws
    /// The tracked paths of `tree` (what the directory should hold) touched since bisect last
    /// wrote it; nil when that cannot be told (then every tracked file is written again).
    func touched(tree: ObjectID, repository: Repository) throws -> [String]?
    /// Bisect has just brought the directory from tree `from` to `to`: take that as the new
    /// starting point.
    func settled(from: ObjectID, to: ObjectID, repository: Repository) throws
    /// No more questions: let go of what can be let go early.
    func stop()
}
