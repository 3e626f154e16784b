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

    /// Writes `bytes` to a regular file at `path` (replacing whatever was there) with exactly
    /// `mode` (0644 or 0755, regardless of the umask).
    ///
    /// A regular file with one link is rewritten in place (written over from its start, then
    /// cut to the new length): unlinking it and making a new one frees and allocates its
    /// blocks, which a file system mounted with `discard` pays for on every file of a bisect
    /// probe. Anything else — a symlink, a directory, a FIFO, a file with other links — is
    /// removed and a new file made.
    static func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
        if let fd = openPlainFile(path) {
            defer { close(fd) }
            try writeAll(fd, bytes, path)
            if ftruncate(fd, off_t(bytes.count)) != 0 { throw GitError.os(errno, path, "ftruncate") }
            if fchmod(fd, mode) != 0 { throw GitError.os(errno, path, "fchmod") }
            return
        }
        try remove(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        if fd < 0 { throw GitError.os(errno, path, "open") }
        defer { close(fd) }
        try writeAll(fd, bytes, path)
        if fchmod(fd, mode) != 0 { throw GitError.os(errno, path, "fchmod") }
    }

    /// `path` opened for writing when it is a regular file with one link (the same one that
    /// was looked at), else nil.
    private static func openPlainFile(_ path: String) -> Int32? {
        var before = stat()
        guard lstat(path, &before) == 0, before.st_mode & S_IFMT == S_IFREG, before.st_nlink == 1 else { return nil }
        let fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1,
            info.st_ino == before.st_ino, info.st_dev == before.st_dev
        else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Writes all of `bytes` to `fd` from its start.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw GitError.os(errno, path, "write")
            }
            offset += written
        }
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
