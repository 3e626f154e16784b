#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Trace

/// What a pass keeps of a log to know, next time, whether it changed: its size and
/// modification time, a hash of its last block, and for a log read a line at a time how far
/// the reading got (the end of its last complete line) with a hash of the block before that.
struct FileState: Equatable {
    /// The bytes a hash covers: the file's last 4 KiB (or all of a smaller file).
    static let block = 4096

    var size: Int64
    /// Nanoseconds since the epoch; for OpenCode, the later of the file's and its message folder's.
    var modified: Int64

    /// Size and modification time of `path`, nil when it is gone or not a regular file.
    static func of(_ path: String, stamp: Int64 = 0) -> FileState? {
        var s = StatBuffer()
        guard systemStat(path, &s) == 0, (s.st_mode & S_IFMT) == S_IFREG else { return nil }
        let modified = Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec)
        return FileState(size: Int64(s.st_size), modified: max(modified, stamp))
    }

    /// The hash of the `block` bytes before `end` in `path` (fewer at the start), as 16 hex
    /// digits; nil when they cannot be read (the file shrank, or is gone).
    static func hash(_ path: String, endingAt end: Int64) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let from = max(0, end - Int64(block))
        var buffer = [UInt8](repeating: 0, count: Int(end - from))
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(from) + off_t(done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return nil }
            done += n
        }
        return FNV1a.hex(buffer.withUnsafeBytes { FNV1a.hash(bytes: $0) })
    }

    /// Lines of a log read a line at a time: where the last complete line ends (the byte
    /// after its newline), how many lines that is, and where line `line` (1-based) starts.
    struct Lines: Equatable {
        var end: Int64
        var count: Int
        var start: Int64?
    }

    /// Counts `path`'s lines up to the last newline, noting where `line` starts. A newline
    /// scan (memchr), no parsing.
    static func lines(_ path: String, startOf line: Int?) -> Lines? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: Int64 = 0
        var result = Lines(end: 0, count: 0, start: line == 1 ? 0 : nil)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { return result }
            buffer.withUnsafeBytes { raw in
                let base = raw.baseAddress!
                var at = 0
                while at < n, let found = memchr(base + at, 0x0A, n - at) {
                    let i = base.distance(to: UnsafeRawPointer(found))
                    result.count += 1
                    result.end = offset + Int64(i) + 1
                    if let line, result.count == line - 1 { result.start = result.end }
                    at = i + 1
                }
            }
            offset += Int64(n)
        }
    }
}

#if canImport(Glibc)
private typealias StatBuffer = Glibc.stat
private func systemStat(_ path: String, _ s: inout StatBuffer) -> Int32 { stat(path, &s) }
#endif
