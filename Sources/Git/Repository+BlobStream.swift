import CGit2
import Foundation

extension Repository {
    /// Writes a blob whose bytes `produce` hands over in pieces, of a size not known in
    /// advance, straight to the repository's on-disk object database, in memory that does
    /// not grow with the blob: the pieces are spooled to a temporary file in the git
    /// directory (unlinked as soon as it is made, so a process killed half-way leaves
    /// nothing), then streamed into a loose object (`git_odb_open_wstream`,
    /// `git_odb_stream_write`, `git_odb_stream_finalize_write`).
    ///
    /// With `objectsInMemory` the blob still goes to disk, not to the memory pack: it is meant
    /// for objects too large to hold (a stored trace of gigabytes). Write it before any ref
    /// names it.
    public func writeBlobToDisk(_ produce: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws -> ObjectID {
        let folder = gitDirectory
        var template = Array((folder + "/agentreplay-blob-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw GitError.invalid("cannot make a temporary file in \(folder): \(String(cString: strerror(errno)))", "mkstemp") }
        unlink(template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        defer { close(fd) }
        var size = 0
        try produce { piece in
            var done = 0
            while done < piece.count {
                let n = Foundation.write(fd, piece.baseAddress! + done, piece.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw GitError.invalid("cannot write a temporary file: \(String(cString: strerror(errno)))", "write") }
                done += n
            }
            size += piece.count
        }
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw GitError.invalid("cannot read a temporary file back", "lseek") }
        return try withDiskDatabase { odb in
            var opened: UnsafeMutablePointer<git_odb_stream>?
            try check(git_odb_open_wstream(&opened, odb, git_object_size_t(size), GIT_OBJECT_BLOB), "git_odb_open_wstream")
            guard let stream = opened else { throw GitError.invalid("no stream returned", "git_odb_open_wstream") }
            defer { git_odb_stream_free(stream) }
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            var left = size
            while left > 0 {
                let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, min($0.count, left)) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw GitError.invalid("cannot read a temporary file back", "read") }
                try buffer.withUnsafeBytes { bytes in
                    try check(git_odb_stream_write(stream, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), n), "git_odb_stream_write")
                }
                left -= n
            }
            var out = git_oid()
            try check(git_odb_stream_finalize_write(&out, stream), "git_odb_stream_finalize_write")
            return ObjectID(out)
        }
    }

    /// Calls `body` with the repository's on-disk object database (under the memory layer,
    /// when there is one).
    private func withDiskDatabase<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
        if let memory { return try memory.disk.use(body) }
        let odb = try use { repo in try Owned.make("git_repository_odb", free: git_odb_free) { git_repository_odb(&$0, repo) } }
        return try odb.use(body)
    }
}
