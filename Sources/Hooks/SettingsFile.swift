#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Git
import Trace

/// An agent's settings file on disk: read whole and parsed (a file that is not JSON is
/// refused, naming the file and the line), and written back atomically — a temporary file
/// beside it, flushed, then renamed over it — only when its bytes change.
public struct SettingsFile: Sendable {
    public let path: String
    /// The file's bytes as read; nil when there was no file.
    public let original: [UInt8]?
    /// The settings: the file's JSON, or an empty object when there was no file.
    public let settings: JSON

    /// A settings file that cannot be used.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        /// 1-based line, 0 when the problem is the whole file.
        public var line: Int
        public var message: String
        public var description: String { line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)" }
    }

    /// Settings files larger than this are refused (no agent's settings come near it).
    public static let maximumSize = 16 << 20

    /// Reads `path`; a missing file is an empty object.
    public init(path: String) throws(Failure) {
        self.path = path
        let bytes: [UInt8]
        switch FileBytes.read(path, limit: Self.maximumSize) {
        case .success(let read): bytes = read
        case .failure(.system(ENOENT)):
            original = nil
            settings = .object([])
            return
        case .failure(let failure): throw Failure(path: path, line: 0, message: failure.description)
        }
        original = bytes
        do {
            settings = try JSONParser.parse(bytes)
        } catch {
            let line = 1 + bytes.prefix(min(error.offset, bytes.count)).lazy.filter { $0 == 0x0A }.count
            throw Failure(path: path, line: line, message: "not JSON (\(error.reason)); the file is left as it is")
        }
    }

    /// The bytes `settings` are written as: indented by two spaces, members in their order,
    /// a final newline. The same settings give the same bytes.
    public static func bytes(of settings: JSON) -> [UInt8] {
        Array((JSONWriter.pretty(settings) + "\n").utf8)
    }

    /// Writes `settings` over the file unless its bytes would not change; returns whether it
    /// wrote. The folder is made when missing; an existing file keeps its permissions.
    @discardableResult
    public func write(_ settings: JSON) throws(Failure) -> Bool {
        let bytes = Self.bytes(of: settings)
        if bytes == original { return false }
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        try makeFolders(folder)
        var mode: mode_t = 0o644
        var info = stat()
        if stat(path, &info) == 0 { mode = info.st_mode & 0o7777 }
        let name = path.split(separator: "/").last.map(String.init) ?? "settings.json"
        let temporary = folder + "/." + name + ".agentreplay-\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        if fd < 0 { throw Failure(path: path, line: 0, message: "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var written = 0
        var failure: String?
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                break
            }
            written += n
        }
        if failure == nil, fchmod(fd, mode) != 0 || fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw Failure(path: path, line: 0, message: "cannot write: \(failure); the file is left as it was")
        }
        return true
    }

    private func makeFolders(_ folder: String) throws(Failure) {
        var current = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            current += "/" + component
            var info = stat()
            if stat(current, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { continue }
            if mkdir(current, 0o755) != 0, errno != EEXIST {
                throw Failure(path: path, line: 0, message: "cannot make \(current): \(String(cString: strerror(errno)))")
            }
        }
    }
}

/// POSIX `write` (the name is taken by `SettingsFile.write` inside the type).
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
