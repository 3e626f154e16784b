#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The few POSIX file operations materialising a tree needs. None of them follows a
/// symlink it finds in the way: an existing entry is removed and replaced, so a tree
/// can never write through a link out of the target directory.
enum FileSystem {
    enum Kind { case file, directory, symlink, other }

    /// What is at `path` (`lstat`), or nil when nothing is.
    static func kind(_ path: String) throws -> Kind? {
        var info = stat()
        if lstat(path, &info) != 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw GitError.os(errno, path, "lstat")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// Removes whatever is at `path` (a directory with all its contents); absent is fine.
    static func remove(_ path: String) throws {
        guard let kind = try kind(path) else { return }
        if kind == .directory {
            for name in try children(path) { try remove(path + "/" + name) }
            if rmdir(path) != 0 { throw GitError.os(errno, path, "rmdir") }
        } else if unlink(path) != 0, errno != ENOENT {
            throw GitError.os(errno, path, "unlink")
        }
    }

    /// Makes `path` a real directory: keeps one, replaces anything else (`mkdir` 0755).
    static func makeDirectory(_ path: String) throws {
        switch try kind(path) {
        case .directory: return
        case nil: break
        default: try remove(path)
        }
        if mkdir(path, 0o755) != 0, errno != EEXIST { throw GitError.os(errno, path, "mkdir") }
    }

    /// Writes `bytes` to a new regular file at `path` (replacing whatever was there)
    /// with exactly `mode` (0644 or 0755, regardless of the umask).
    static func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
        try remove(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        if fd < 0 { throw GitError.os(errno, path, "open") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw GitError.os(errno, path, "write")
            }
            offset += written
        }
        if fchmod(fd, mode) != 0 { throw GitError.os(errno, path, "fchmod") }
    }

    /// Creates a symlink at `path` pointing to `target` (replacing whatever was there).
    static func writeSymlink(_ path: String, target: String) throws {
        try remove(path)
        if symlink(target, path) != 0 { throw GitError.os(errno, path, "symlink") }
    }

    /// Removes the empty directories among `directories`, deepest first, stopping at
    /// the first one that is not empty.
    static func pruneEmpty(_ directories: [String]) {
        for directory in directories.reversed() where rmdir(directory) != 0 { return }
    }

    /// The names in a directory, without `.` and `..`.
    private static func children(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw GitError.os(errno, path, "opendir") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

extension GitError {
    /// An operating-system failure (class `GIT_ERROR_OS`, code `GIT_ERROR`) on `path`.
    static func os(_ errno: Int32, _ path: String, _ function: String) -> GitError {
        GitError(code: -1, klass: 2, message: "\(path): \(String(cString: strerror(errno)))", function: function)
    }
}

extension FileSystem {
    /// Creates `path` and its missing ancestors (like `mkdir -p`); existing
    /// directories, including through symlinks the caller chose, are kept.
    static func makeDirectoryPath(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            var info = stat()
            if stat(current, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { continue }
            if mkdir(current, 0o755) != 0, errno != EEXIST { throw GitError.os(errno, current, "mkdir") }
        }
    }
}
