/// The one owner of a libgit2 pointer: it frees the pointer in `deinit`, exactly once.
///
/// Pointers borrowed from an owned object (a `git_tree_entry` of a `git_tree`, the
/// message of a `git_commit`) are only valid inside ``use(_:)``, which keeps the owner
/// alive; copy what you need into Swift values before returning.
final class Owned<Pointer> {
    private let pointer: Pointer
    private let free: (Pointer) -> Void

    init(_ pointer: Pointer, free: @escaping (Pointer) -> Void) {
        self.pointer = pointer
        self.free = free
    }

    deinit { free(pointer) }

    /// Calls `body` with the pointer while this owner is guaranteed to be alive.
    func use<R>(_ body: (Pointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(pointer) }
    }
}

extension Owned where Pointer == OpaquePointer {
    /// Runs a libgit2 constructor (`git_x_lookup(&out, …)`) through ``check(_:_:)`` and
    /// takes ownership of the pointer it produced; `free` is its `git_x_free`.
    static func make(
        _ function: StaticString,
        free: @escaping (OpaquePointer) -> Void,
        _ create: (inout OpaquePointer?) -> Int32
    ) throws -> Owned {
        var out: OpaquePointer?
        try check(create(&out), function)
        guard let out else {
            throw GitError.invalid("libgit2 returned no object", "\(function)")
        }
        return Owned(out, free: free)
    }
}
