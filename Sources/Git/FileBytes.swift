#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A whole file's bytes read with POSIX calls: the private index's seed, settings files, caches.
public enum FileBytes {
    /// Why a file could not be read.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// `open` or `read` failed with this `errno` (`ENOENT`: no such file).
        case system(Int32)
        /// The file holds more than the limit.
        case tooLarge(limit: Int)

        public var description: String {
            switch self {
            case .system(let code): return String(cString: strerror(code))
            case .tooLarge(let limit): return "larger than \(limit) bytes"
            }
        }
    }

    /// The bytes of the file at `path`, at most `limit` of them.
    public static func read(_ path: String, limit: Int = .max) -> Result<[UInt8], Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.system(errno)) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.system(errno))
            }
            if n == 0 { return .success(bytes) }
            bytes += buffer[0..<n]
            if bytes.count > limit { return .failure(.tooLarge(limit: limit)) }
        }
    }
}

/// POSIX `read` (a name the callers' own `read` functions hide).
private func systemRead(_ fd: Int32, _ p: UnsafeMutableRawPointer?, _ n: Int) -> Int { read(fd, p, n) }
