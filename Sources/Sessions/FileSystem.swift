#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Git
import Importers

/// The few file-system calls listing sessions needs, on POSIX directly (stat and readdir
/// of tens of thousands of files must cost microseconds each).
enum FileSystem {
    /// A directory entry.
    struct Entry {
        var name: String
        var isDirectory: Bool
    }

    /// Size and modification time of a file.
    struct Stat: Equatable {
        var size: Int64
        /// Nanoseconds since the epoch.
        var modified: Int64
        var isDirectory: Bool
    }

    /// Why a directory could not be listed; nil from `entries` when it does not exist.
    struct Unreadable: Error {
        var path: String
        var reason: String
    }

    /// The entries of `path`, sorted by name; empty when it does not exist.
    static func entries(_ path: String) throws(Unreadable) -> [Entry] {
        switch Directory.entries(in: path) {
        case .failure(let failure):
            if failure.code == ENOENT || failure.code == ENOTDIR { return [] }
            throw Unreadable(path: path, reason: String(cString: strerror(failure.code)))
        case .success(let listed):
            return listed.map { entry in
                var isDirectory = entry.type == Int32(DT_DIR)
                if entry.type == Int32(DT_UNKNOWN) || entry.type == Int32(DT_LNK) {
                    isDirectory = stat(path + "/" + entry.name)?.isDirectory ?? false
                }
                return Entry(name: entry.name, isDirectory: isDirectory)
            }
        }
    }

    /// `stat(2)` of `path` (following symlinks); nil when it cannot be had.
    static func stat(_ path: String) -> Stat? {
        var s = StatBuffer()
        guard systemStat(path, &s) == 0 else { return nil }
        #if canImport(Darwin)
        let modified = Int64(s.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(s.st_mtimespec.tv_nsec)
        #else
        let modified = Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec)
        #endif
        return Stat(size: Int64(s.st_size), modified: modified, isDirectory: (s.st_mode & S_IFMT) == S_IFDIR)
    }

    /// The bytes of a small file (a marker, a cache), or nil.
    static func read(_ path: String) -> [UInt8]? {
        try? FileBytes.read(path).get()
    }

    /// Writes `bytes` to `path` atomically: a temporary file beside it, then `rename(2)`;
    /// creates the folders on the way. Returns why not, on failure.
    static func writeAtomically(_ bytes: [UInt8], to path: String) -> String? {
        let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        makeDirectories(folder)
        let temporary = "\(path).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                return reason
            }
            offset += n
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return reason
        }
        return nil
    }

    static func makeDirectories(_ path: String) {
        guard !path.isEmpty, stat(path) == nil else { return }
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        makeDirectories(parent)
        mkdir(path, 0o755)
    }

    /// The canonical absolute path (`realpath(3)`), or nil.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

#if canImport(Glibc)
private typealias StatBuffer = Glibc.stat
private func systemStat(_ path: String, _ s: inout StatBuffer) -> Int32 { stat(path, &s) }
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer?, _ n: Int) -> Int { Glibc.write(fd, p, n) }
#else
private typealias StatBuffer = Darwin.stat
private func systemStat(_ path: String, _ s: inout StatBuffer) -> Int32 { stat(path, &s) }
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer?, _ n: Int) -> Int { Darwin.write(fd, p, n) }
#endif
