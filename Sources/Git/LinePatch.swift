import CGit2

/// The line differences between two contents, as libgit2 computes them for `git diff`
/// (`git_patch_from_buffers`: xdiff's Myers, with its own bound on the work a diff may take),
/// copied out into values: the patch is freed before `init` returns. No repository is needed.
public struct LinePatch: Sendable, Equatable {
    /// One `@@ -oldStart,oldCount +newStart,newCount @@` hunk and its lines.
    public struct Hunk: Sendable, Equatable {
        public var oldStart: Int
        public var oldCount: Int
        public var newStart: Int
        public var newCount: Int
        public var lines: [Line]
    }

    public struct Line: Sendable, Equatable {
        public enum Origin: Sendable, Equatable { case context, added, removed }
        public var origin: Origin
        /// The line's bytes, its newline included when it has one.
        public var content: [UInt8]
    }

    public var hunks: [Hunk]

    /// The hunks between `old` and `new` with `context` lines of context around each change
    /// (hunks closer than twice that share one, as `git diff` prints them). Both are diffed
    /// as text (`GIT_DIFF_FORCE_TEXT`): whether a content is binary is the caller's to say.
    public init(old: [UInt8], new: [UInt8], context: Int = 3) throws {
        try Library.ensureInitialized()
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        options.context_lines = UInt32(max(0, context))
        options.flags = GIT_DIFF_FORCE_TEXT.rawValue
        let patch = try old.withUnsafeBytes { a in
            try new.withUnsafeBytes { b in
                try Owned.make("git_patch_from_buffers", free: git_patch_free) {
                    git_patch_from_buffers(&$0, a.baseAddress, a.count, nil, b.baseAddress, b.count, nil, &options)
                }
            }
        }
        hunks = try patch.use { patch in
            try (0..<git_patch_num_hunks(patch)).map { index in
                var hunkPointer: UnsafePointer<git_diff_hunk>?
                var count = 0
                try check(git_patch_get_hunk(&hunkPointer, &count, patch, index), "git_patch_get_hunk")
                guard let hunk = hunkPointer?.pointee else { throw GitError.invalid("libgit2 returned no hunk", "git_patch_get_hunk") }
                var lines: [Line] = []
                lines.reserveCapacity(count)
                for i in 0..<count {
                    var linePointer: UnsafePointer<git_diff_line>?
                    try check(git_patch_get_line_in_hunk(&linePointer, patch, index, i), "git_patch_get_line_in_hunk")
                    guard let line = linePointer?.pointee else { continue }
                    let origin: Line.Origin
                    switch UInt32(UInt8(bitPattern: line.origin)) {
                    case GIT_DIFF_LINE_CONTEXT.rawValue: origin = .context
                    case GIT_DIFF_LINE_ADDITION.rawValue: origin = .added
                    case GIT_DIFF_LINE_DELETION.rawValue: origin = .removed
                    default: continue  // the "\ No newline at end of file" markers: the content says it
                    }
                    let bytes = line.content.map { UnsafeRawBufferPointer(start: $0, count: line.content_len) }
                    lines.append(Line(origin: origin, content: bytes.map { Array($0) } ?? []))
                }
                return Hunk(
                    oldStart: Int(hunk.old_start), oldCount: Int(hunk.old_lines), newStart: Int(hunk.new_start),
                    newCount: Int(hunk.new_lines), lines: lines)
            }
        }
    }
}
