import CGit2

extension Repository {
    /// Writes `bytes` as a blob and returns its id (`git_blob_create_from_buffer`).
    /// With `objectsInMemory` the blob only lives in this handle's memory pack; `replacing`,
    /// the blob this one is a new version of (the same path's), lets the run's pack store it
    /// as a delta.
    public func writeBlob(_ bytes: [UInt8], replacing previous: ObjectID? = nil) throws -> ObjectID {
        if let memory {
            return try bytes.withUnsafeBytes { try memory.put($0, GIT_OBJECT_BLOB, replacing: previous) }
        }
        return try use { repo in
            var out = git_oid()
            try Self.withBuffer(bytes) { base, count in
                try check(git_blob_create_from_buffer(&out, repo, base, count), "git_blob_create_from_buffer")
            }
            return ObjectID(out)
        }
    }

    /// The id `bytes` would have as a blob, without writing anything (`git_odb_hash`);
    /// equal to `git hash-object`.
    public static func hashBlob(_ bytes: [UInt8]) throws -> ObjectID {
        try Library.ensureInitialized()
        var out = git_oid()
        try withBuffer(bytes) { base, count in
            try check(git_odb_hash(&out, base, count, GIT_OBJECT_BLOB), "git_odb_hash")
        }
        return ObjectID(out)
    }

    /// The content of a blob, copied out (`git_blob_lookup`, `git_blob_rawcontent`).
    public func blob(_ id: ObjectID) throws -> [UInt8] {
        try use { repo in
            try lookup(id, GIT_OBJECT_BLOB, in: repo).use { blob in
                let count = Int(git_blob_rawsize(blob))
                guard count > 0, let base = git_blob_rawcontent(blob) else { return [] }
                return Array(UnsafeRawBufferPointer(start: base, count: count))
            }
        }
    }

    /// Lends `bytes` as a non-null pointer and count (an empty array gets a valid
    /// pointer to a zero-length buffer, never NULL).
    private static func withBuffer<R>(_ bytes: [UInt8], _ body: (UnsafeRawPointer, Int) throws -> R) rethrows -> R {
        if bytes.isEmpty {
            var zero: UInt8 = 0
            return try withUnsafePointer(to: &zero) { try body(UnsafeRawPointer($0), 0) }
        }
        return try bytes.withUnsafeBytes { try body($0.baseAddress!, $0.count) }
    }
}
