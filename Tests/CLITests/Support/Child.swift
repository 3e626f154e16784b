import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn` and reaped with `wait4`, so a test can signal
/// it at a chosen moment and read what the kernel says of it alone: how it ended (an exit
/// status or a signal) and its peak resident memory. (`Process` reaps its children itself,
/// which leaves no per-child `rusage`.) stdout and stderr go to files.
final class Child {
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String

    enum End: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)
        var description: String {
            switch self {
            case .exited(let s): return "exit \(s)"
            case .signaled(let s): return "signal \(s)"
            }
        }
    }

    struct Result {
        var end: End
        /// Peak resident set size of the program, bytes: the highest `VmHWM` read from
        /// /proc while it ran. Not `ru_maxrss`: posix_spawn starts the child in the test
        /// process's memory, and Linux carries that memory's peak into the child's
        /// `ru_maxrss` across exec, so a test process that has grown to 200 MiB would see
        /// every child "peak" at 200 MiB. (`ru_maxrss` when the child ended before a read.)
        var maxRSS: Int
        var stdout: String
        var stderr: String
    }

    /// Starts `executable arguments…` in `directory` with exactly `environment`; its output
    /// goes to `<outputs>.stdout` and `<outputs>.stderr`.
    init(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String], outputs: String) throws {
        stdoutPath = outputs + ".stdout"
        stderrPath = outputs + ".stderr"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // `sh` changes directory and then becomes the program (exec: the same pid).
        let argv = (["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory, executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, "/bin/sh", &actions, nil, argv, envp)
        guard rc == 0 else {
            throw NSError(
                domain: "posix_spawn", code: Int(rc),
                userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable): \(String(cString: strerror(rc)))"])
        }
        pid = child
    }

    func signal(_ number: Int32) {
        kill(pid, number)
    }

    /// Whether the child still runs (not yet ended; an ended child stays a zombie until
    /// `wait`).
    var running: Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// `VmHWM` of the child's current program, bytes; nil once it has ended.
    var highWaterMark: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Int(line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        else { return nil }
        return kilobytes * 1024
    }

    /// Waits for the child to end, reading its memory's high-water mark while it runs.
    func wait() -> Result {
        var peak: Int?
        while running {
            if let mark = highWaterMark { peak = max(peak ?? 0, mark) }
            usleep(2_000)
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let end: End = (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
        let out = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        return Result(end: end, maxRSS: peak ?? Int(usage.ru_maxrss) * 1024, stdout: out, stderr: err)
    }
}
