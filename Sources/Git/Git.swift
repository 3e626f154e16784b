/// `Git`: a small, safe Swift face of libgit2.
///
/// Glossary:
/// - ``ObjectID``: the 20-byte SHA-1 name of a blob, tree or commit.
/// - ``Repository``: one open libgit2 repository handle (not `Sendable`; one per thread).
/// - ``TreeEntry``: one row of a tree: a name, an object id and a ``FileMode``.
/// - ``TreeUpdate``: an upsert or removal of a path, applied by ``Repository/updateTree(_:_:)``.
/// - ``TreeChange``: one path that differs between two trees (``Repository/diff(from:to:)``).
/// - ``Signature``: who and when, as stored in a commit.
/// - ``GitError``: the only error this module throws.
///
/// Only this module imports `CGit2`. Every libgit2 pointer has exactly one owner
/// (``Owned``) whose `deinit` frees it, and every C call goes through ``check(_:_:)``.
import CGit2
import CGit2Support

/// The process-wide libgit2 initialisation.
///
/// `git_libgit2_init` is called exactly once, the first time any wrapper needs the
/// library; a `static let` is initialised lazily and atomically, so this is safe from
/// any thread. The library is never shut down.
enum Library {
    private static let initResult: (code: Int32, call: StaticString) = {
        let code = git_libgit2_init()
        if code < 0 { return (code, "git_libgit2_init") }
        return (agentreplay_configure_library(), "git_libgit2_opts")
    }()

    /// Makes sure libgit2 is initialised and configured (`agentreplay_configure_library`:
    /// objects read are not re-hashed, as git does not); throws if
    /// either failed.
    static func ensureInitialized() throws {
        try check(initResult.code, initResult.call)
    }
}
