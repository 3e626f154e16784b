import Bisect
import Git
import Replay
import Trace

/// The fix to suggest for an error the library throws, by what the error says: every error
/// agentreplay prints comes with one (`CLIFailure` carries its own).
enum Hint {
    static func forError(_ error: Error) -> String? {
        switch error {
        case let e as TraceError: return trace(e)
        case let e as GitError: return git(e)
        case let e as ReplayError: return replay(e)
        case let e as BisectError: return bisect(e)
        default: return nil
        }
    }

    static func trace(_ e: TraceError) -> String {
        let m = e.message
        if m.hasPrefix("cannot open") { return "check the path: the session log must be a readable file" }
        if m.contains("is a directory") { return "name the session log file itself, not the folder holding it" }
        if m.hasPrefix("cannot tell which agent") || m.contains("not a ") && m.hasSuffix("?)") {
            return
                "name the format with --from (one of \(SourceFormat.allCases.map(\.rawValue).joined(separator: ", "))); docs/formats.md describes each"
        }
        if m.contains("unsupported version") {
            return "import the original session log again with this agentreplay (`agentreplay import LOG -o trace.ndjson`)"
        }
        if m.hasPrefix("empty file") { return "the file holds no session: check that the recording was saved" }
        if m.hasPrefix("truncated") { return "the recording stopped mid-write; `agentreplay run` replays what came before it" }
        if m.hasPrefix("larger than") { return "import it in pieces, or convert it to the native trace (streamed) first" }
        if e.line > 0 {
            return
                "the file is not what its format should be at that line: `agentreplay import FILE` checks a log on its own, docs/formats.md says what is read"
        }
        return "docs/formats.md lists the session-log formats agentreplay reads"
    }

    static func git(_ e: GitError) -> String {
        switch e.function {
        case "git_repository_open_ext":
            return "--repo must name a git repository (default: the current directory)"
        case "git_revparse_single", "git_object_peel":
            return "name a commit the repository has (`git log --oneline` lists them), or leave --base out to start from HEAD"
        case "git_reference_name_to_id", "git_repository_head_unborn":
            return "the repository has no usable HEAD: give --base REV, or commit first"
        default:
            return "this is libgit2's message; `git fsck` checks the repository, and --no-refs replays without writing to it"
        }
    }

    static func bisect(_ e: BisectError) -> String {
        switch e {
        case .interrupted: return "run the bisect again; the repository was left as it was"
        case .busy(let pid, _): return "wait for it to finish, or stop it (kill \(pid)); the next bisect cleans up after one that was killed"
        case .invalid: return "`agentreplay run TRACE --repo DIR --no-refs` shows what replay makes of the run"
        case .system:
            return "check the space and permissions of $XDG_CACHE_HOME/agentreplay (default ~/.cache/agentreplay), where bisect keeps its worktrees"
        }
    }

    static func replay(_ e: ReplayError) -> String {
        switch e {
        case .baseNotFound(let message):
            if message.hasPrefix("--base") { return "leave --base out: the trace names its own base commit" }
            return
                "fetch the commit the session started from into the repository (`git fetch`), or replay onto the repository it was recorded in with --repo"
        case .lock:
            return "agentreplay keeps its lock in .git/agentreplay/lock; check that the repository is writable, or replay with --no-refs"
        }
    }
}
