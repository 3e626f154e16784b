import CGit2

/// An open git repository (libgit2's `git_repository`).
///
/// Not `Sendable`: libgit2 allows one repository object per thread
/// (its `docs/threading.md`), so keep each `Repository` on one thread or actor and open
/// another for another thread. The handle owns its `git_repository` and frees it with
/// `git_repository_free` in `deinit`; everything it returns is a copied Swift value.
public final class Repository {
    let handle: Owned<OpaquePointer>

    /// `true` when objects written through this handle stay in memory (`git_mempack`).
    public let objectsInMemory: Bool

    private init(_ handle: Owned<OpaquePointer>, objectsInMemory: Bool) {
        self.handle = handle
        self.objectsInMemory = objectsInMemory
    }

    /// Opens the repository containing `path`, searching upwards like git does
    /// (`git_repository_open_ext`); works on bare repositories too.
    ///
    /// With `objectsInMemory`, a `git_mempack` backend is added to the object database
    /// at a priority above the loose and pack backends, so every object written through
    /// this handle goes to memory and nothing is written to disk, while reads still see
    /// the repository's objects. (libgit2 may still "freshen", i.e. touch the mtime of,
    /// an on-disk object when asked to write one that already exists.) References are
    /// always written to disk: do not point one at an in-memory object.
    public static func open(_ path: String, objectsInMemory: Bool = false) throws -> Repository {
        try Library.ensureInitialized()
        let handle = try Owned.make("git_repository_open_ext", free: git_repository_free) {
            git_repository_open_ext(&$0, path, 0, nil)
        }
        if objectsInMemory {
            try handle.use(attachMemoryPack)
        }
        return Repository(handle, objectsInMemory: objectsInMemory)
    }

    /// Creates (or reopens) a repository at `path` with `git_repository_init`.
    public static func create(at path: String, bare: Bool) throws -> Repository {
        try Library.ensureInitialized()
        let handle = try Owned.make("git_repository_init", free: git_repository_free) {
            git_repository_init(&$0, path, bare ? 1 : 0)
        }
        return Repository(handle, objectsInMemory: false)
    }

    /// The git directory (`.git`, or the repository itself when bare), without a
    /// trailing slash (`git_repository_path`).
    public var gitDirectory: String {
        handle.use { Self.trimmed(String(cString: git_repository_path($0))) }
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

    /// Adds a `git_mempack` backend above every other backend of `repo`'s object database.
    /// On success the database owns the backend; on failure it is freed here.
    private static func attachMemoryPack(_ repo: OpaquePointer) throws {
        let odb = try Owned.make("git_repository_odb", free: git_odb_free) {
            git_repository_odb(&$0, repo)
        }
        var backend: UnsafeMutablePointer<git_odb_backend>?
        try check(git_mempack_new(&backend), "git_mempack_new")
        guard let backend else { throw GitError.invalid("no backend returned", "git_mempack_new") }
        // Loose objects have priority 1 and packs 2; higher priorities are asked first,
        // and writes go to the first writable backend.
        let rc = odb.use { git_odb_add_backend($0, backend, 1_000) }
        if rc < 0 { backend.pointee.free?(backend) }
        try check(rc, "git_odb_add_backend")
    }
}
