import CGit2

/// An open git repository (libgit2's `git_repository`).
///
/// Not `Sendable`: libgit2 allows one repository object per thread
/// (its `docs/threading.md`), so keep each `Repository` on one thread or actor and open
/// another for another thread. The handle owns its `git_repository` and frees it with
/// `git_repository_free` in `deinit`; everything it returns is a copied Swift value.
public final class Repository {
    let handle: Owned<OpaquePointer>

    /// The in-memory object layer, when objects written through this handle stay in memory.
    let memory: MemoryObjects?

    /// Trees read or written through this handle, level by level.
    let treeLevels = TreeLevels()
    /// The names and email last checked for a commit this handle wrote (``CheckedNames``).
    let checkedNames = CheckedNames()

    /// `true` when objects written through this handle stay in memory (`MemoryObjects`).
    public var objectsInMemory: Bool { memory != nil }

    private init(_ handle: Owned<OpaquePointer>, memory: MemoryObjects?) {
        self.handle = handle
        self.memory = memory
    }

    /// Opens the repository containing `path`, searching upwards like git does
    /// (`git_repository_open_ext`); works on bare repositories too.
    ///
    /// With `objectsInMemory`, the repository's object database is layered (see
    /// `MemoryObjects`): every object written through this handle goes to memory and nothing
    /// is written to disk, while reads still see the repository's objects, until
    /// `persistObjects()` writes them as one pack. References are always written to disk: do
    /// not point one at an object that is only in memory.
    public static func open(_ path: String, objectsInMemory: Bool = false) throws -> Repository {
        try Library.ensureInitialized()
        let handle = try Owned.make("git_repository_open_ext", free: git_repository_free) {
            git_repository_open_ext(&$0, path, 0, nil)
        }
        let memory = objectsInMemory ? try handle.use { try MemoryObjects(layering: $0) } : nil
        return Repository(handle, memory: memory)
    }

    /// Creates (or reopens) a repository at `path` with `git_repository_init`.
    public static func create(at path: String, bare: Bool) throws -> Repository {
        try Library.ensureInitialized()
        let handle = try Owned.make("git_repository_init", free: git_repository_free) {
            git_repository_init(&$0, path, bare ? 1 : 0)
        }
        return Repository(handle, memory: nil)
    }

    /// The git directory (`.git`, or the repository itself when bare), without a
    /// trailing slash (`git_repository_path`).
    public var gitDirectory: String {
        handle.use { Self.trimmed(String(cString: git_repository_path($0))) }
    }

    /// The directory shared by all of the repository's worktrees (the main `.git`), without
    /// a trailing slash (`git_repository_commondir`).
    public var commonDirectory: String {
        handle.use { Self.trimmed(String(cString: git_repository_commondir($0))) }
    }

    /// The working directory without a trailing slash, or nil for a bare repository
    /// (`git_repository_workdir`).
    public var workingDirectory: String? {
        handle.use { repo in git_repository_workdir(repo).map { Self.trimmed(String(cString: $0)) } }
    }

    /// `true` for a bare repository (`git_repository_is_bare`).
    public var isBare: Bool {
        handle.use { git_repository_is_bare($0) == 1 }
    }

    /// Calls `body` with the raw `git_repository` pointer, kept alive for the call.
    func use<R>(_ body: (OpaquePointer) throws -> R) rethrows -> R {
        try handle.use(body)
    }

    private static func trimmed(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// Writes the objects held in memory to the repository as one pack file, so refs may
    /// name them (`looseUpTo` objects or fewer: as loose objects); a no-op for a repository
    /// whose objects go to disk.
    public func persistObjects(looseUpTo limit: Int = 0) throws {
        guard let memory else { return }
        try handle.use { try memory.persist($0, looseUpTo: limit) }
    }
}
