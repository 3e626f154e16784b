import CGit2
import CGit2Support

/// The in-memory object layer of a repository opened with `objectsInMemory`.
///
/// The repository gets a new object database (`git_odb_new`) of two backends: a `git_mempack`
/// that takes every write (behind `agentreplay_recording_backend_new`, C, which keeps the ids
/// written), and a read-only proxy (`agentreplay_proxy_backend_new`, C) that reads the
/// repository's own objects. Writes never touch the disk — not even libgit2's
/// "freshen" of existing loose objects, nor its pack-directory rescans — until
/// `Repository.persistObjects()` writes everything as one pack.
///
/// Ownership: the new database holds the recording backend (which owns the mempack) and the
/// proxy, and frees them; the repository holds the new database; this class holds one
/// reference to the repository's original database, for writing the pack.
final class MemoryObjects {
    let mempack: UnsafeMutablePointer<git_odb_backend>
    let recording: UnsafeMutablePointer<git_odb_backend>
    let disk: Owned<OpaquePointer>

    init(layering repo: OpaquePointer) throws {
        let disk = try Owned.make("git_repository_odb", free: git_odb_free) { git_repository_odb(&$0, repo) }
        let layered = try Owned.make("git_odb_new", free: git_odb_free) { git_odb_new(&$0) }
        var mempack: UnsafeMutablePointer<git_odb_backend>?
        try check(git_mempack_new(&mempack), "git_mempack_new")
        guard let mempack else { throw GitError.invalid("no backend returned", "git_mempack_new") }
        var recording: UnsafeMutablePointer<git_odb_backend>?
        var rc = agentreplay_recording_backend_new(&recording, mempack)
        if rc < 0 { mempack.pointee.free?(mempack) }
        try check(rc, "agentreplay_recording_backend_new")
        guard let recording else { throw GitError.invalid("no backend returned", "agentreplay_recording_backend_new") }
        rc = layered.use { git_odb_add_backend($0, recording, 2) }
        if rc < 0 { recording.pointee.free?(recording) }
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
        self.mempack = mempack
        self.recording = recording
        self.disk = disk
    }

    /// Writes the objects written in memory to the repository's own database as one pack
    /// and its index (`agentreplay_recording_backend_write_pack_files`: exactly those objects,
    /// no deltas, the index built as the pack is written), makes the database see it, then
    /// empties the mempack.
    /// Notes that `object` (just written) is a new version of `previous`: the pack may store
    /// it as a delta.
    func noteVersion(_ object: ObjectID, of previous: ObjectID) {
        var id = object.oid, base = previous.oid
        agentreplay_recording_backend_note_base(recording, &id, &base)
    }

    /// Writes `bytes` as an object of `type` straight into memory
    /// (`agentreplay_recording_backend_put`: hashed with OpenSSL's SHA-1, no existence check
    /// on disk, a different object under an id already written is an error).
    func put(_ bytes: UnsafeRawBufferPointer, _ type: git_object_t) throws -> ObjectID {
        var out = git_oid()
        var empty: UInt8 = 0
        let base = bytes.baseAddress ?? withUnsafePointer(to: &empty) { UnsafeRawPointer($0) }
        try check(agentreplay_recording_backend_put(&out, recording, base, bytes.count, type), "agentreplay_recording_backend_put")
        return ObjectID(out)
    }

    func persist(_ repo: OpaquePointer) throws {
        let packs = String(cString: git_repository_commondir(repo)) + "objects/pack"
        try check(agentreplay_recording_backend_write_pack_files(packs, recording), "agentreplay_recording_backend_write_pack_files")
        try disk.use { try check(git_odb_refresh($0), "git_odb_refresh") }
        try check(git_mempack_reset(mempack), "git_mempack_reset")
        agentreplay_recording_backend_forget(recording)
    }
}
