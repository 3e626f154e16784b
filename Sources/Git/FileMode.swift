import CGit2

/// The mode of a tree entry (libgit2's `git_filemode_t`).
///
/// libgit2 normalises what it reads from a tree (`git_tree_entry_filemode`): legacy and
/// unknown modes such as `100664` or `170000` read as ``blob``. A raw mode that still
/// has no case here makes the reading call throw a ``GitError``; it never traps.
public enum FileMode: UInt32, Sendable, Hashable {
    case blob = 0o100644
    case executable = 0o100755
    case link = 0o120000
    case tree = 0o040000
    /// A submodule (gitlink): the entry names a commit in another repository.
    case commit = 0o160000

    /// `true` for the modes whose object is a blob (regular, executable, symlink).
    public var isBlob: Bool { self == .blob || self == .executable || self == .link }

    /// The mode libgit2 reported, or a ``GitError`` naming `path` when it is unknown.
    static func from(_ raw: git_filemode_t, path: String, _ function: String) throws -> FileMode {
        guard let mode = FileMode(rawValue: raw.rawValue) else {
            throw GitError.invalid(
                "unknown file mode \(String(raw.rawValue, radix: 8)) at '\(path)'", function)
        }
        return mode
    }

    var filemode: git_filemode_t { git_filemode_t(rawValue: rawValue) }
}
