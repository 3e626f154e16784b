#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file line by line with a fixed-size buffer, so memory does not grow with the file,
/// only with the longest line. Lines are returned without their `\n` (a trailing `\r` stays).
public final class LineReader {
    public let path: String
    /// The 1-based number of the line last returned.
    public private(set) var lineNumber = 0
    /// Whether the last line returned ended the file without a newline (a truncated record).
    public private(set) var lastLineUnterminated = false
    /// Lines longer than this are refused with an error instead of being buffered.
    public let maximumLineLength: Int
    /// The file's size in bytes when opened (0 when it cannot be told, e.g. a pipe).
    public let size: Int
    /// Bytes of the file returned so far, newlines included: with `size`, how far the
    /// reading has got (for a progress bar).
    public private(set) var offset = 0

    private let fd: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false

    /// The longest line read by default: 256 MiB, or `AGENTREPLAY_MAX_LINE_BYTES` (a whole
    /// number with an optional `K`, `M` or `G`; `docs/security.md`, "Limits").
    public static let defaultMaximumLineLength: Int = {
        guard let value = getenv("AGENTREPLAY_MAX_LINE_BYTES").map({ String(cString: $0) }), let n = ByteCount.parse(value), n > 0 else {
            return 256 << 20
        }
        return n
    }()

    /// Where a reading resumed part-way through a file starts: at byte `offset`, the start of
    /// a line, after `lines` lines (so the first line read is numbered `lines + 1`).
    public struct Start: Sendable, Equatable {
        public var offset: Int
        public var lines: Int
        public init(offset: Int, lines: Int) {
            self.offset = offset
            self.lines = lines
        }
    }

    /// Opens `path`; with `start`, reading begins there (a file shorter than that reads as empty).
    public init(path: String, maximumLineLength: Int = LineReader.defaultMaximumLineLength, start: Start? = nil) throws(TraceError) {
        self.path = path
        self.maximumLineLength = maximumLineLength
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw TraceError(file: path, line: 0, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        var st = stat()
        if fstat(fd, &st) != 0 { st = stat() }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw TraceError(file: path, line: 0, message: "is a directory, not a trace file")
        }
        self.fd = fd
        self.size = (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : 0
        // Blocks of 1 MiB, or one block the size of a smaller file (plus a byte, to see its end
        // in the same read; at least 4 KiB): a small file costs no megabyte. It grows for a
        // longer line.
        self.buffer = [UInt8](repeating: 0, count: size > 0 ? min(1 << 20, max(4096, size + 1)) : 1 << 20)
        if let start, start.offset > 0 {
            guard lseek(fd, off_t(start.offset), SEEK_SET) == off_t(start.offset) else {
                throw TraceError(file: path, line: 0, message: "cannot seek to byte \(start.offset): \(String(cString: strerror(errno)))")
            }
            offset = start.offset
            lineNumber = start.lines
        }
    }

    deinit { close(fd) }

    /// The next line's bytes, or nil at the end of the file.
    public func next() throws(TraceError) -> ArraySlice<UInt8>? {
        var searchFrom = start
        while true {
            if let nl = newline(from: searchFrom) {
                let line = buffer[start..<nl]
                start = nl + 1
                offset += line.count + 1
                lineNumber += 1
                lastLineUnterminated = false
                return withoutByteOrderMark(line)
            }
            if eof {
                guard start < end else { return nil }
                let line = buffer[start..<end]
                start = end
                offset += line.count
                lineNumber += 1
                lastLineUnterminated = true
                return withoutByteOrderMark(line)
            }
            searchFrom = end
            try fill(&searchFrom)
        }
    }

    /// The first line without a UTF-8 byte-order mark (EF BB BF), which some Windows tools
    /// write first and JSON readers may ignore (RFC 8259, section 8.1).
    private func withoutByteOrderMark(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) else { return line }
        return line.dropFirst(3)
    }

    /// The index of the first `\n` in `from..<end` (memchr: lines run to megabytes).
    private func newline(from: Int) -> Int? {
        guard from < end else { return nil }
        return buffer.withUnsafeBufferPointer { p in
            memchr(p.baseAddress! + from, 0x0A, end - from).map { UnsafeRawPointer($0) - UnsafeRawPointer(p.baseAddress!) }
        }
    }

    private func fill(_ searchFrom: inout Int) throws(TraceError) {
        if start > 0 {
            let pending = end - start
            if pending > 0 {
                buffer.withUnsafeMutableBufferPointer { p in
                    _ = memmove(p.baseAddress!, p.baseAddress! + start, pending)
                }
            }
            searchFrom -= start
            end = pending
            start = 0
        }
        if end == buffer.count {
            guard buffer.count < maximumLineLength else {
                throw TraceError(
                    file: path, line: lineNumber + 1,
                    message: "line longer than \(maximumLineLength) bytes (AGENTREPLAY_MAX_LINE_BYTES raises the limit)")
            }
            buffer.append(contentsOf: [UInt8](repeating: 0, count: min(buffer.count, maximumLineLength - buffer.count)))
        }
        let n = buffer.withUnsafeMutableBufferPointer { p in
            read(fd, p.baseAddress! + end, p.count - end)
        }
        if n < 0 {
            throw TraceError(file: path, line: lineNumber + 1, message: "read failed: \(String(cString: strerror(errno)))")
        }
        if n == 0 { eof = true }
        end += n
    }
}
