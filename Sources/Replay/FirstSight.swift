import Git
import ToolSemantics

/// What a session first saw of a file, before any call of its own changed the file: the
/// evidence a base commit is chosen by when the log names none (`BaseAgreement`).
///
/// A sight is exact or it is not taken: the whole file (Claude Code's `originalFile`, a Read of
/// the whole file, Gemini CLI's `originalContent`, …), the file's absence, or a part of it the
/// tool's own semantics require (an Edit's `old_string` must occur in it; an `apply_patch`
/// update's context lines must match it). Each is a test of a file's bytes (nil: no file),
/// answered the way the replay itself would answer it.
struct FirstSight {
    /// The repository path seen.
    let path: RepoPath
    let test: Test

    enum Test {
        /// The whole file, exactly (compared with carriage returns normalised, as
        /// `ReplayContext.reconcile` compares), or nil: no file. `blob` is its git blob id, for
        /// the common case of a tree entry with the very same bytes.
        case whole([UInt8]?, blob: ObjectID?)
        /// No file, or an empty one (Claude Code records a Write over an empty file as a
        /// `create`).
        case absentOrEmpty
        /// A part of the file: what the tool's semantics required of it (true: agrees).
        case part((_ file: [UInt8]) -> Bool)
    }

    /// A whole-file sight; its blob id is hashed (not written) for comparisons by id.
    static func whole(_ path: RepoPath, _ bytes: [UInt8]?) -> FirstSight {
        FirstSight(path: path, test: .whole(bytes, blob: bytes.flatMap { try? Repository.hashBlob($0) }))
    }

    /// Whether a file of these bytes (nil: no file) agrees with what the session saw.
    func agrees(with file: [UInt8]?) -> Bool {
        switch test {
        case .whole(let seen, _):
            // An empty before-image with no file is a file the call created (as `reconcile` reads it).
            guard let seen else { return file == nil }
            guard let file else { return seen.isEmpty }
            return seen == file || Bytes.normalisingCRLF(seen) == Bytes.normalisingCRLF(file)
        case .absentOrEmpty:
            return file?.isEmpty ?? true
        case .part(let check):
            guard let file else { return false }
            return check(file)
        }
    }

    /// The sights a replay collects: each path's first, until a call changes the path.
    final class Log {
        private(set) var sights: [FirstSight] = []
        private var closed: Set<RepoPath> = []

        /// Takes `sight` when it is the first of its path and no call changed the path yet.
        func see(_ sight: FirstSight) {
            guard closed.insert(sight.path).inserted else { return }
            sights.append(sight)
        }

        /// Later sights of these paths are not first sights: a call named (and may have
        /// changed) them.
        func close(_ paths: some Sequence<RepoPath>) {
            closed.formUnion(paths)
        }
    }
}
