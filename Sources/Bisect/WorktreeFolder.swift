import Foundation
import Git

/// The folder that holds one repository's private worktrees:
/// `$XDG_CACHE_HOME/agentreplay/worktrees/<key>` (else `~/.cache/…`), where the key is a hash
/// of the repository's path. It holds one directory per job (`0`, `1`, …) with its state file
/// and its last test output, a `repository` file naming the repository for people, and while
/// a bisect runs, its `lock`.
///
/// The lock is a file created exclusively (`O_CREAT | O_EXCL`). It names the bisect's pid
/// (and, on Linux, the process's start time, so a reused pid is not taken for it) and the
/// process groups of the tests running now. A bisect that ends, or is interrupted by SIGINT,
/// SIGTERM or SIGHUP, removes it. One killed outright (`kill -9`) leaves it behind: the next
/// bisect finds its pid gone, kills the test process groups it names that still run in this
/// folder, and takes over; the worktree the killed test ran in is written again in full, as
/// its state file says a test was running in it.
final class WorktreeFolder {
    let path: String
    private var lockDescriptor: Int32 = -1
    private var lockHeader = ""

    init(path: String) {
        self.path = path
    }

    /// The folder for the repository at `repositoryPath` (its working directory, or its git
    /// directory when bare), under `root` (default: the user's cache folder).
    static func location(repositoryPath: String, root: String? = nil, environment: [String: String]) throws -> String {
        let base: String
        if let root {
            base = root
        } else if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") {
            base = cache + "/agentreplay/worktrees"
        } else if let home = environment["HOME"], !home.isEmpty {
            base = home + "/.cache/agentreplay/worktrees"
        } else {
            throw BisectError.invalid("neither XDG_CACHE_HOME nor HOME is set: nowhere to keep the bisect worktrees")
        }
        var real = repositoryPath
        if let resolved = realpath(repositoryPath, nil) {
            real = String(cString: resolved)
            free(resolved)
        }
        let key = try Repository.hashBlob(Array(real.utf8)).hex.prefix(16)
        return base + "/" + key
    }

    func worktree(slot: Int) -> Worktree {
        Worktree(folder: path, slot: slot)
    }

    /// Restores the worktrees numbered `from` and up that a killed bisect left mid-test or
    /// half-written (`Worktree.restoreLeftover`), so that after any bisect every worktree in
    /// the folder is whole, used by it or not; returns notes for people.
    func restoreUnused(from first: Int, repository: Repository) throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let slots = names.compactMap { Int($0) }.filter { $0 >= first }.sorted()
        return try slots.compactMap { try Worktree(folder: path, slot: $0, watching: false).restoreLeftover(repository: repository) }
    }

    /// Takes the lock, cleaning up after a bisect that was killed; returns notes for people
    /// on what was cleaned. Throws `BisectError.busy` when a live bisect holds it.
    func lock(repositoryPath: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw BisectError.system("cannot create \(path): \(error.localizedDescription)")
        }
        _ = FileManager.default.createFile(atPath: path + "/repository", contents: Data((repositoryPath + "\n").utf8))
        var notes: [String] = []
        for _ in 0..<3 {
            let fd = open(path + "/lock", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 {
                lockDescriptor = fd
                let me = getpid()
                lockHeader = "pid \(me)\n" + (Self.startTime(me).map { "start \($0)\n" } ?? "")
                record(groups: [])
                return notes
            }
            guard errno == EEXIST else { throw BisectError.system("cannot create \(path)/lock: \(POSIX.error())") }
            notes += try clearStaleLock()
        }
        throw BisectError.system("cannot take \(path)/lock")
    }

    /// Rewrites the lock with the process groups of the tests running now.
    func record(groups: [Int32]) {
        guard lockDescriptor >= 0 else { return }
        let text = lockHeader + groups.map { "group \($0)\n" }.joined()
        let bytes = Array(text.utf8)
        // Written over, then cut to length: truncating to zero first would make ext4 flush
        // the file to disk (auto_da_alloc), twice a probe.
        _ = bytes.withUnsafeBytes { pwrite(lockDescriptor, $0.baseAddress, $0.count, 0) }
        _ = ftruncate(lockDescriptor, off_t(bytes.count))
    }

    func unlock() {
        guard lockDescriptor >= 0 else { return }
        unlink(path + "/lock")
        close(lockDescriptor)
        lockDescriptor = -1
    }

    /// The lock exists: is its owner alive? If not, kill what it left running and remove it.
    private func clearStaleLock() throws -> [String] {
        let lock = path + "/lock"
        guard let text = try? String(contentsOfFile: lock, encoding: .utf8) else { return [] }
        var pid: Int32?
        var start: String?
        var groups: [Int32] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "pid": pid = Int32(parts[1])
            case "start": start = parts[1]
            case "group": if let g = Int32(parts[1]) { groups.append(g) }
            default: break
            }
        }
        if let pid, Self.alive(pid, start: start) {
            throw BisectError.busy(pid: pid, folder: path)
        }
        var notes = ["cleaning up after a bisect that did not finish (pid \(pid.map(String.init) ?? "?"))"]
        for group in groups {
            let killed = killLeftovers(group: group)
            if killed > 0 { notes.append("killed \(killed) leftover test process\(killed == 1 ? "" : "es") (group \(group))") }
        }
        unlink(lock)
        return notes
    }

    /// Kills the processes of `group` whose working directory is in this folder (so an
    /// unrelated group that reused the id is left alone). Linux only (`/proc`).
    private func killLeftovers(group: Int32) -> Int {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
        var killed = 0
        for entry in entries {
            guard let pid = Int32(entry), Self.processGroup(pid) == group,
                let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/cwd"),
                cwd == path || cwd.hasPrefix(path + "/")
            else { continue }
            if kill(pid, SIGKILL) == 0 { killed += 1 }
        }
        return killed
    }

    /// Fields of `/proc/<pid>/stat` after the command name (which may hold spaces).
    private static func statFields(_ pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    private static func processGroup(_ pid: Int32) -> Int32? {
        guard let fields = statFields(pid), fields.count > 2 else { return nil }
        return Int32(fields[2])  // state, ppid, pgrp
    }

    /// The process's start time in clock ticks since boot (`/proc/<pid>/stat` field 22).
    static func startTime(_ pid: Int32) -> String? {
        guard let fields = statFields(pid), fields.count > 19 else { return nil }
        return String(fields[19])
    }

    private static func alive(_ pid: Int32, start: String?) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        if let start, let now = startTime(pid) { return start == now }
        return true
    }
}
