import Foundation
import Git
import Replay

/// The lock that keeps two agentreplay processes from writing a repository's run refs at
/// once: `<git directory>/agentreplay/lock` (the common git directory, shared by linked
/// worktrees), held with `flock(2)` while a `run` writes its trace, pack and refs, and while
/// a `bisect` reads the stored run it searches. The file names the holder's pid while held
/// (for the message of whoever waits) and says `free` once released.
///
/// The kernel releases a `flock` when its holder ends, however it ends (`kill -9`
/// included), so a lock is never stale: there is nothing to detect or break. The file itself
/// stays (removing it would let two processes lock two different files).
///
/// Whoever finds the lock taken waits for it and says so once through `waiting` (a signal
/// ends the wait as it ends the process: nothing is held yet). A process that holds the
/// lock is the only agentreplay writing, so it also clears what one killed while holding it
/// left half-done (`clearLeftovers`).
public final class RepositoryLock {
    public let path: String
    private var descriptor: Int32 = -1

    /// The lock file of `repository`.
    public init(repository: Repository) {
        path = repository.commonDirectory + "/agentreplay/lock"
    }

    /// Takes the lock, waiting as long as another process holds it. `waiting` is called
    /// once, with the holder's pid when the file names one, before the wait starts.
    public func acquire(waiting: (Int32?) -> Void = { _ in }) throws {
        guard descriptor < 0 else { return }
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ReplayError.lock("cannot create \(folder): \(error.localizedDescription)")
        }
        // Never through a symlink: not the folder (a `.git/agentreplay` planted as a link to
        // elsewhere), not the file. The folder is opened first without following a link, and
        // the file opened inside that very folder.
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
        guard directory >= 0 else {
            let reason =
                errno == ELOOP || errno == ENOTDIR
                ? "it is a symbolic link or not a directory; agentreplay does not follow it (remove it)" : String(cString: strerror(errno))
            throw ReplayError.lock("cannot open \(folder): \(reason)")
        }
        let fd = openat(directory, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        let openError = errno
        close(directory)
        guard fd >= 0 else {
            let reason =
                openError == ELOOP ? "it is a symbolic link; agentreplay does not follow it (remove it)" : String(cString: strerror(openError))
            throw ReplayError.lock("cannot open \(path): \(reason)")
        }
        var told = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw ReplayError.lock("cannot lock \(path): \(reason)")
            }
            if !told {
                waiting(Self.holder(fd))
                told = true
            }
            var pause = timespec(tv_sec: 0, tv_nsec: 20_000_000)
            _ = nanosleep(&pause, nil)
        }
        descriptor = fd
        // The previous holder wrote `free` when it let go; a pid means it died holding the
        // lock, perhaps half-way through writing a pack or a ref.
        let previous = Self.holder(fd)
        let since = Self.modificationTime(fd)
        write("pid \(getpid())\n")
        if let previous { interrupted = (previous, since) }
    }

    /// The holder that died holding the lock before this process took it (its pid, and when
    /// it had taken it), or nil.
    public private(set) var interrupted: (pid: Int32, since: timespec)?

    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        _ = ftruncate(descriptor, off_t(bytes.count))
    }

    /// Releases the lock (closing the file releases the `flock`).
    public func release() {
        guard descriptor >= 0 else { return }
        write("free\n")
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }

    /// The message for someone waiting on `pid`.
    public static func waitingMessage(_ pid: Int32?) -> String {
        "waiting for another agentreplay (\(pid.map { "pid \($0)" } ?? "pid unknown")) on this repository…"
    }

    /// Runs `body` holding the lock of `repository`, after clearing what a holder killed
    /// before it left (`notes` is told what was cleared). With `readOnly`, a repository
    /// where the lock file cannot be made (a read-only file system, no write permission) is
    /// read without the lock, as nothing will write it then.
    public static func holding<R>(
        _ repository: Repository, readOnly: Bool = false, waiting: (Int32?) -> Void,
        notes: (String) -> Void = { _ in }, _ body: () throws -> R
    ) throws -> R {
        let lock = RepositoryLock(repository: repository)
        do {
            try lock.acquire(waiting: waiting)
        } catch ReplayError.lock where readOnly && !Self.writable(repository) {
            return try body()
        }
        defer { lock.release() }
        if let note = lock.clearLeftovers(repository: repository) { notes(note) }
        let abandoned = lock.clearAbandonedTemporaries(repository: repository)
        if abandoned > 0 {
            notes("removed \(abandoned) temporary file\(abandoned == 1 ? "" : "s") left by agentreplay processes that ended")
        }
        return try body()
    }

    /// Removes the temporary files (`objects/pack/pack_git2_agentreplay_<pid>_*`) of
    /// agentreplay processes that ended without the lock — killed while storing a trace,
    /// before a run takes it — which `clearLeftovers` does not see: those whose pid is no
    /// running process here and that nothing has written for `age` seconds (a process in
    /// another pid namespace that shares the repository looks ended, but not idle for an hour
    /// while writing). Needs the lock held. Returns how many were removed.
    public func clearAbandonedTemporaries(repository: Repository, age: Int = 3600) -> Int {
        guard descriptor >= 0 else { return 0 }
        let packs = repository.commonDirectory + "/objects/pack"
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var removed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: packs)) ?? [] {
            guard let owner = Self.temporaryOwner(name), owner != getpid(), kill(owner, 0) != 0, errno == ESRCH else { continue }
            var info = stat()
            guard lstat(packs + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
                now.tv_sec - info.st_mtim.tv_sec >= age
            else { continue }
            if unlink(packs + "/" + name) == 0 { removed += 1 }
        }
        return removed
    }

    /// When the previous holder died holding the lock, removes what it may have left
    /// half-written: lock files of refs under `refs/agentreplay/` (libgit2 writes
    /// `<ref>.lock`, then renames it) and temporary pack files (`objects/pack/pack_git2_*`)
    /// made since it took the lock: of agentreplay's own (`pack_git2_agentreplay_<pid>_*`),
    /// only those the dead holder's pid names. Returns a note for people,
    /// or nil when there was nothing to do. No other agentreplay is writing now, and git
    /// itself never writes under refs/agentreplay/.
    public func clearLeftovers(repository: Repository) -> String? {
        guard descriptor >= 0, let (pid, since) = interrupted else { return nil }
        interrupted = nil
        let manager = FileManager.default
        let git = repository.commonDirectory
        var removed = 0
        let refs = git + "/refs/agentreplay"
        if let enumerator = manager.enumerator(atPath: refs) {
            while let name = enumerator.nextObject() as? String {
                if name.hasSuffix(".lock"), (try? manager.removeItem(atPath: refs + "/" + name)) != nil { removed += 1 }
            }
        }
        let packs = git + "/objects/pack"
        for name in (try? manager.contentsOfDirectory(atPath: packs)) ?? [] where name.hasPrefix("pack_git2_") {
            // agentreplay's own temporaries name their process: another one's, still being
            // written, is not the dead holder's (nor is this process's, should it have been
            // given the dead one's pid).
            if let owner = Self.temporaryOwner(name), owner != pid || owner == getpid() { continue }
            var info = stat()
            guard lstat(packs + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
                (info.st_mtim.tv_sec, info.st_mtim.tv_nsec) >= (since.tv_sec, since.tv_nsec)
            else { continue }
            if unlink(packs + "/" + name) == 0 { removed += 1 }
        }
        return "cleaned up after an agentreplay that did not finish (pid \(pid))"
            + (removed > 0 ? ": removed \(removed) half-written file\(removed == 1 ? "" : "s")" : "")
    }

    /// The pid in the name of an agentreplay temporary (`pack_git2_agentreplay_<pid>_XXXXXX`),
    /// or nil for another name.
    static func temporaryOwner(_ name: String) -> Int32? {
        let prefix = "pack_git2_agentreplay_"
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.utf8.dropFirst(prefix.utf8.count)
        guard let end = rest.firstIndex(of: UInt8(ascii: "_")), end > rest.startIndex,
            rest[..<end].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return Int32(String(decoding: rest[..<end], as: UTF8.self))
    }

    private static func writable(_ repository: Repository) -> Bool {
        access(repository.commonDirectory, W_OK) == 0
    }

    private static func modificationTime(_ fd: Int32) -> timespec {
        var info = stat()
        return fstat(fd, &info) == 0 ? info.st_mtim : timespec(tv_sec: 0, tv_nsec: 0)
    }

    /// The pid the lock file names, if any.
    private static func holder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 64, 0) }
        guard n > 4 else { return nil }
        let text = String(decoding: buffer.prefix(n), as: UTF8.self)
        guard text.hasPrefix("pid ") else { return nil }
        return Int32(text.dropFirst(4).prefix { $0.isNumber })
    }
}
