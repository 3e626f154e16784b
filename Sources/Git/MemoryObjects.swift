import CGit2
import CGit2Support

/// The in-memory object layer of a repository opened with `objectsInMemory`.
///
/// The repository gets a new object database (`git_odb_new`) of two backends: a memory store
/// that takes every write (`agentreplay_memory_store_new`, C: the objects in the order
/// written, a new version of an object kept as the part that differs from the one before),
/// and a read-only proxy (`agentreplay_proxy_backend_new`, C) that reads the repository's own
/// objects. Writes never touch the disk — not even libgit2's "freshen" of existing loose
/// objects, nor its pack-directory rescans — until `Repository.persistObjects()` writes
/// everything as one pack.
///
/// Ownership: the new database holds the store and the proxy, and frees them; the repository
/// holds the new database; this class holds one reference to the repository's original
/// database, for writing the pack.
final class MemoryObjects {
    let store: UnsafeMutablePointer<git_odb_backend>
    let disk: Owned<OpaquePointer>

    init(layering repo: OpaquePointer) throws {
        let disk = try Owned.make("git_repository_odb", free: git_odb_free) { git_repository_odb(&$0, repo) }
        let layered = try Owned.make("git_odb_new", free: git_odb_free) { git_odb_new(&$0) }
        var made: UnsafeMutablePointer<git_odb_backend>?
        try check(agentreplay_memory_store_new(&made), "agentreplay_memory_store_new")
        guard let store = made else { throw GitError.invalid("no backend returned", "agentreplay_memory_store_new") }
        var rc = layered.use { git_odb_add_backend($0, store, 2) }
        if rc < 0 { store.pointee.free?(store) }
        try check(rc, "git_odb_add_backend")
        // The proxy takes its own reference to the disk database.
        var source: OpaquePointer?
        try check(git_repository_odb(&source, repo), "git_repository_odb")
        var proxy: UnsafeMutablePointer<git_odb_backend>?
        rc = agentreplay_proxy_backend_new(&proxy, source)
        if rc < 0 { git_odb_free(source) }
        try check(rc, "agentreplay_proxy_backend_new")
        guard let proxy else { throw GitError.invalid("no backend returned", "agentreplay_proxy_backend_new") }
        rc = layered.use { git_odb_add_backend($0, proxy, 1) }
        if rc < 0 { proxy.pointee.free?(proxy) }
        try check(rc, "git_odb_add_backend")
        try layered.use { try check(git_repository_set_odb(repo, $0), "git_repository_set_odb") }
        self.store = store
        self.disk = disk
    }

    /// Writes `bytes` as an object of `type` straight into memory
    /// (`agentreplay_memory_store_put`: hashed with OpenSSL's SHA-1, no existence check on
    /// disk, a different object under an id already written is an error). `previous`, the
    /// object this one is a new version of (the same path's), lets the store keep only what
    /// differs and the run's pack store it as a delta.
    func put(_ bytes: UnsafeRawBufferPointer, _ type: git_object_t, replacing previous: ObjectID? = nil) throws -> ObjectID {
        var out = git_oid()
        var empty: UInt8 = 0
        let base = bytes.baseAddress ?? withUnsafePointer(to: &empty) { UnsafeRawPointer($0) }
        let rc: Int32
        if let previous {
            var old = previous.oid
            rc = agentreplay_memory_store_put(&out, store, base, bytes.count, type, &old)
        } else {
            rc = agentreplay_memory_store_put(&out, store, base, bytes.count, type, nil)
        }
        try check(rc, "agentreplay_memory_store_put")
        return ObjectID(out)
    }

    /// Writes the objects held in memory to the repository's own database as one pack and its
    /// index (`agentreplay_memory_store_write_pack`), makes the database see it, then empties
    /// the store.
    ///
    /// With `looseUpTo`, that many objects or fewer are written as loose objects instead
    /// (`agentreplay_memory_store_write_loose`): a pack of a handful of objects costs its two
    /// files and one more pack for every later lookup to search.
    func persist(_ repo: OpaquePointer, looseUpTo limit: Int = 0) throws {
        let objects = String(cString: git_repository_commondir(repo)) + "objects"
        if agentreplay_memory_store_count(store) <= limit {
            try check(agentreplay_memory_store_write_loose(objects, store), "agentreplay_memory_store_write_loose")
        } else {
            try check(agentreplay_memory_store_write_pack(objects + "/pack", store), "agentreplay_memory_store_write_pack")
            try disk.use { try check(git_odb_refresh($0), "git_odb_refresh") }
        }
        agentreplay_memory_store_reset(store)
    }
}
