import CGit2

/// The single error type of the `Git` module: a libgit2 failure (or an input this
/// wrapper refuses), with libgit2's error code, error class and message.
public struct GitError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The libgit2 return code (`git_error_code`, e.g. `-3` for `GIT_ENOTFOUND`).
    public let code: Int32
    /// The libgit2 error class (`git_error_t`, e.g. `4` for `GIT_ERROR_REFERENCE`).
    public let klass: Int32
    /// The message libgit2 reported through `git_error_last()`, or ours.
    public let message: String
    /// The C function (or wrapper operation) that failed, e.g. `"git_revparse_single"`.
    public let function: String

    public init(code: Int32, klass: Int32, message: String, function: String) {
        self.code = code
        self.klass = klass
        self.message = message
        self.function = function
    }

    /// `true` when libgit2 said `GIT_ENOTFOUND`.
    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }

    public var description: String {
        "\(function) failed: \(message) (code \(code), class \(klass))"
    }

    /// An error for an input this wrapper rejects before calling libgit2
    /// (`GIT_EINVALID`, class `GIT_ERROR_INVALID`).
    static func invalid(_ message: String, _ function: String) -> GitError {
        GitError(
            code: GIT_EINVALID.rawValue, klass: Int32(GIT_ERROR_INVALID.rawValue),
            message: message, function: function)
    }
}

/// Checks the return code of a libgit2 call: negative codes become a ``GitError``
/// carrying `git_error_last()` (read on this thread, right away) and `function`.
/// Zero and positive codes (libgit2's "yes"/counts) are not errors.
func check(_ rc: Int32, _ function: StaticString) throws {
    guard rc < 0 else { return }
    var klass: Int32 = 0
    var message = "unknown libgit2 error"
    if let last = git_error_last() {
        klass = last.pointee.klass
        if let text = last.pointee.message {
            message = String(cString: text)
        }
    }
    throw GitError(code: rc, klass: klass, message: message, function: "\(function)")
}
