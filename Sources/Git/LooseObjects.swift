import CGit2
import CGit2Support
import Foundation

/// Objects written straight to a repository's objects directory as loose objects, by
/// agentreplay's own writer (`agentreplay_write_loose_object`: zlib, SHA-1 from OpenSSL)
/// rather than through a libgit2 handle, so that any thread may write them: it holds a path,
/// not a handle.
///
/// It remembers which objects it made (an object already in the directory is left as it is),
/// so `removeCreated()` can take back what a run that failed or wrote no commit had stored.
public final class LooseObjects {
    let directory: String
    private var created: [ObjectID] = []

    /// Writes into the objects directory shared by `repository`'s worktrees.
    public init(of repository: Repository) {
        directory = repository.commonDirectory + "/objects"
    }

    /// Writes a blob whose bytes `produce` hands over in pieces, of a size not known in
    /// advance, in memory that does not grow with the blob: each piece is deflated as it comes
    /// (and spooled, for the id, which needs the size first), into unlinked temporary files in
    /// the objects directory, so a process killed half-way leaves nothing and the last piece
    /// leaves little to do (`agentreplay_blob_writer`).
    public func writeBlob(_ produce: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws -> ObjectID {
        guard let writer = agentreplay_blob_writer_new(directory) else {
            throw GitError.invalid("cannot make a temporary file in \(directory): \(String(cString: strerror(errno)))", "mkstemp")
        }
        var finished = false
        defer { if !finished { agentreplay_blob_writer_free(writer) } }
        try produce { piece in
            guard piece.count == 0 || agentreplay_blob_writer_write(writer, piece.baseAddress, piece.count) == 0 else {
                throw GitError.invalid("cannot write a temporary file: \(String(cString: strerror(errno)))", "write")
            }
        }
        finished = true
        var out = git_oid()
        var made: Int32 = 0
        try check(agentreplay_blob_writer_finish(writer, &out, &made), "agentreplay_blob_writer_finish")
        let id = ObjectID(out)
        if made == 1 { created.append(id) }
        return id
    }

    /// Writes a tree of `entries` (names without slashes, any order: they are put in git's).
    public func writeTree(_ entries: [TreeEntry]) throws -> ObjectID {
        let bytes = TreeLevels.serialize(entries.sorted(by: TreeLevels.precedes))
        return try bytes.withUnsafeBytes { try write($0.baseAddress, $0.count, GIT_OBJECT_TREE) }
    }

    /// Writes a commit with the bytes `Repository.createCommit` would give it (for times in
    /// 0...UInt32.max, as `git_commit_create` writes them).
    public func writeCommit(tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String) throws -> ObjectID {
        let bytes = try Repository.commitBytes(tree: tree, parents: parents, author: author, committer: committer, message: message)
        return try bytes.withUnsafeBytes { try write($0.baseAddress, $0.count, GIT_OBJECT_COMMIT) }
    }

    /// Removes the objects this writer made (not those that were there before it wrote them).
    public func removeCreated() {
        for id in created.reversed() {
            var oid = id.oid
            _ = agentreplay_remove_loose_object(directory, &oid)
        }
        created.removeAll()
    }

    private func write(_ data: UnsafeRawPointer?, _ count: Int, _ type: git_object_t) throws -> ObjectID {
        var out = git_oid()
        var made: Int32 = 0
        try check(agentreplay_write_loose_object(&out, &made, directory, data, count, type), "agentreplay_write_loose_object")
        let id = ObjectID(out)
        if made == 1 { created.append(id) }
        return id
    }
}
