import Shell
import ToolSemantics
import Trace

/// Replays shell commands for a dialect: works out their file effects (`ShellEffects`) and
/// applies them to the workspace when the recording says the command ran to success, through
/// the same sandbox as every edit. Nothing is ever executed.
///
/// Not a value: one instance serves one replay (`Dialects.for` makes a dialect, and its
/// `ShellReplay`, per replay). It keeps the empty directories commands made or left (git
/// cannot hold them, a later `mv x dir/` needs them) and, for agents whose shell session
/// persists from call to call (SWE-agent, OpenHands), the working directory.
final class ShellReplay {
    /// How the recording says a command ended.
    enum Status: Equatable {
        /// Exit status 0.
        case succeeded
        /// A non-zero exit status, a timeout: it ran, perhaps in part.
        case failed(String?)
        /// Refused before it ran (the user said no, a permission rule, a blocked `cd`).
        case neverRan(String?)
        /// Ran, but how it ended is not in the log (no result, still running, in the background).
        case unknown(String)
        /// The log keeps no exit status at all (SWE-agent): replay works it out.
        case unrecorded
    }

    private(set) var directories: Set<RepoPath> = []
    /// Whether the shell's working directory carries from one call to the next.
    let persistentDirectory: Bool
    /// The persistent shell's working directory: nil until a command changes it; `.some(nil)`
    /// once replay lost track of it.
    private var directory: String??

    /// The persistent shell's working directory as replay knows it: nil until a command
    /// changes it (the span's or the root), `.some(nil)` once replay lost track of it.
    var workingDirectory: String?? { directory }

    init(persistentDirectory: Bool = false) {
        self.persistentDirectory = persistentDirectory
    }

    /// Replays `command`, run in `workingDirectory` (absolute, or relative to the span's
    /// directory; nil: the span's directory, else the root).
    func replay(_ command: String, workingDirectory: String? = nil, status: Status, span: Span, context: ReplayContext) throws -> Outcome {
        let root = context.header.repoRoot
        var cwd = span.attributes[GenAI.workingDirectory]?.stringValue ?? root
        var lost = false
        if persistentDirectory, let d = directory {
            if let d { cwd = d } else { lost = true }
        }
        if let w = workingDirectory {
            cwd = w.hasPrefix("/") ? w : cwd.map { $0 + "/" + w } ?? w
        }
        if case .neverRan(let message) = status {
            return Outcome(verdict: .failedAsRecorded, note: message)
        }
        let tree = WorkspaceShellTree(workspace: context.workspace)
        let e = ShellEffects.evaluate(
            command, in: cwd, root: root, tree: tree, directories: directories,
            recordedSuccess: status == .succeeded, directoryLost: lost)
        if let exceeded = e.exceeded {
            // Past a limit (docs/security.md, "Limits"): nothing of it is applied, and where
            // the shell stands afterwards is unknown.
            if persistentDirectory { directory = .some(nil) }
            return Outcome(verdict: .refused, note: exceeded.description, unseenEffects: true)
        }
        switch status {
        case .failed(let message):
            let recorded = message.map { "recorded as failed (\($0))" } ?? "recorded as failed"
            if e.effects.isEmpty && e.unknown.isEmpty && e.notReplayed.isEmpty {
                // Nothing it could have written: it fails on replay as it did, or only read.
                return e.succeeded == false ? Outcome(verdict: .failedAsRecorded, note: message) : .served
            }
            return Outcome(
                verdict: .served, note: recorded + ": its file effects are not replayed (it may have run in part)",
                unseenEffects: true)
        case .unknown(let why):
            if e.effects.isEmpty && e.unknown.isEmpty && e.missing.isEmpty { return .served }
            return Outcome(verdict: .served, note: why + ": its file effects are not replayed", unseenEffects: true)
        case .neverRan, .succeeded, .unrecorded:
            break
        }
        var paths: [RepoPath] = []
        var seen: Set<RepoPath> = []  // `paths` as a set: a span may change many thousands
        var literal: [RepoPath: Bool] = [:]  // whether each path's last write was literal
        var notes = e.unknown + e.missing
        var unseen = !notes.isEmpty
        for effect in e.effects {
            do {
                switch effect.change {
                case .write(let bytes, let executable): try context.workspace.write(effect.path, bytes, executable: executable)
                case .delete: try context.workspace.delete(effect.path)
                }
            } catch let problem as Workspace.Problem {
                notes.append("\(effect.path.value): \(problem), not replayed")
                unseen = true
                continue
            }
            if seen.insert(effect.path).inserted { paths.append(effect.path) }
            literal[effect.path] = effect.literal
        }
        let synced = paths.filter { literal[$0] == true }
        notes += e.notReplayed
        directories = e.directories
        if persistentDirectory { directory = .some(e.directory) }
        var outcome = Outcome(verdict: paths.isEmpty ? .served : .applied, paths: paths)
        if !notes.isEmpty { outcome.note = Self.join(notes) }
        outcome.unseenEffects = unseen
        // A path is known to match the recording only when what was written came from the
        // command line alone and nothing unseen ran in the same call.
        outcome.synced = unseen ? [] : synced
        return outcome
    }

    /// The persistent shell's working directory as the log recorded it after a call (OpenHands'
    /// `working_dir`): it replaces what replay worked out, even after a call replay could not follow.
    func recorded(directory: String) {
        guard persistentDirectory, directory.hasPrefix("/") else { return }
        var d = directory
        while d.count > 1, d.hasSuffix("/") { d.removeLast() }
        self.directory = .some(d)
    }

    static func join(_ notes: [String]) -> String {
        var unique: [String] = []
        var seen: Set<String> = []  // a span past thousands of paths has as many notes
        for n in notes where seen.insert(n).inserted { unique.append(n) }
        let shown = unique.prefix(3).joined(separator: "; ")
        return unique.count > 3 ? shown + "; and \(unique.count - 3) more" : shown
    }
}
