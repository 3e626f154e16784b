#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a trace's bytes go as they are made: standard output, or a file that appears whole
/// or not at all (written beside its final name, renamed over it on `finish`, removed if
/// the writing fails or is abandoned). Memory holds one buffer, not the trace.
public final class TraceOutput {
    public let path: String?
    private let fd: Int32
    private let temporary: String?
    private var buffer: [UInt8] = []
    private var finished = false
    private static let flushSize = 1 << 20

    /// Standard output.
    public init() {
        path = nil
        fd = 1
        temporary = nil
        buffer.reserveCapacity(TraceOutput.flushSize * 2)
    }

    /// The file at `path`, created or replaced when `finish` is called. Anything that is not
    /// a regular file (`/dev/null`, a FIFO) is written in place: renaming over it would put a
    /// plain file where the device was.
    public init(path: String) throws(TraceError) {
        var info = stat()
        let inPlace = stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG
        let temporary = inPlace ? nil : TraceOutput.temporaryName(for: path)
        let fd = inPlace
            ? open(path, O_WRONLY | O_CLOEXEC)
            : open(temporary!, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw TraceError(file: path, line: 0, message: "cannot write: \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.fd = fd
        self.temporary = temporary
        buffer.reserveCapacity(TraceOutput.flushSize * 2)
    }

    deinit {
        guard !finished, fd != 1 else { return }
        close(fd)
        if let temporary { unlink(temporary) }
    }

    /// `.name.agentreplay-<pid>` in the same folder as `path`, so the rename stays on one file system.
    static func temporaryName(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(folder).\(name).agentreplay-\(getpid())"
    }

    public func write(_ header: Trace.Header) throws(TraceError) {
        TraceWriter.append(header, to: &buffer)
        try flushIfFull()
    }

    public func write(_ span: Span) throws(TraceError) {
        TraceWriter.append(span, to: &buffer)
        try flushIfFull()
    }

    /// Writes what is buffered and, for a file, puts it in place.
    public func finish() throws(TraceError) {
        try flush()
        finished = true
        guard let path, fd != 1 else { return }
        guard let temporary else {
            if close(fd) != 0 { throw TraceError(file: path, line: 0, message: "cannot write: \(String(cString: strerror(errno)))") }
            return
        }
        if close(fd) != 0 || rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw TraceError(file: path, line: 0, message: "cannot write: \(reason)")
        }
    }

    private func flushIfFull() throws(TraceError) {
        if buffer.count >= TraceOutput.flushSize { try flush() }
    }

    private func flush() throws(TraceError) {
        var done = 0
        let failure: Int32? = buffer.withUnsafeBytes { bytes in
            while done < bytes.count {
                let n = systemWrite(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += n
            }
            return nil
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure {
            throw TraceError(file: path ?? "standard output", line: 0, message: "cannot write: \(String(cString: strerror(failure)))")
        }
    }
}

private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, bytes, count)
    #else
    Darwin.write(fd, bytes, count)
    #endif
}
