#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Trace

/// Where a recording hook says what went wrong: a hook never fails the agent, so its errors
/// are appended to a log file instead, one line each. No clock is written (the tool writes
/// none anywhere); each line names the agent, the event, the session and the call.
public enum HookLog {
    /// `AGENTREPLAY_HOOKS_LOG` when set, else `$XDG_STATE_HOME/agentreplay/hooks.log`, else
    /// `~/.local/state/agentreplay/hooks.log`.
    public static func path(environment: [String: String]) -> String {
        if let explicit = environment["AGENTREPLAY_HOOKS_LOG"], !explicit.isEmpty { return explicit }
        let state =
            environment["XDG_STATE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (environment["HOME"] ?? "") + "/.local/state"
        return state + "/agentreplay/hooks.log"
    }

    /// A log larger than this is moved to `hooks.log.1` (replacing the one there) before the
    /// next line is written.
    public static let maximumSize = 1 << 20

    /// Appends `line` (control characters escaped) and a newline; never throws, and gives up
    /// quietly when the log cannot be written.
    public static func append(_ line: String, environment: [String: String]) {
        let path = path(environment: environment)
        if let slash = path.lastIndex(of: "/") {
            var current = ""
            for component in path[..<slash].split(separator: "/") {
                current += "/" + component
                _ = mkdir(current, 0o755)
            }
        }
        var info = stat()
        if stat(path, &info) == 0, Int(info.st_size) > maximumSize { _ = rename(path, path + ".1") }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array((VisibleText.escape(line) + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
