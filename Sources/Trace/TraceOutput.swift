#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a trace's bytes go as they are made: standard output, or a file that appears whole
/// or not at all (written beside its final name, renamed over it on `finish`, removed if
/// the writing fails or is abandoned). Memory holds one buffer and a bounded queue, not the
/// trace.
///
/// Spans are made into lines and written on a second thread (`WriterLane`) while the caller
/// reads the next ones; the bytes are the same as written one by one. A write error is thrown
/// by a later `write` or by `finish`.
public final class TraceOutput {
    public let path: String?
    private let sink: Sink
    private let temporary: String?
    private var finished = false
    private var lane: WriterLane?
    private var pending: [WriterLane.Line] = []
    private var pendingWeight = 0
    /// A batch is handed to the writing thread at this many lines or this weight.
    private static let batchLines = 64
    private static let batchWeight = 256 << 10

    /// Standard output.
    public init() {
        path = nil
        sink = Sink(fd: 1, name: "standard output")
        temporary = nil
    }

    /// The file at `path`, created or replaced when `finish` is called. Anything that is not
    /// a regular file (`/dev/null`, a FIFO) is written in place: renaming over it would put a
    /// plain file where the device was.
    public init(path: String) throws(TraceError) {
        var info = stat()
        let inPlace = stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG
        let temporary = inPlace ? nil : TraceOutput.temporaryName(for: path)
        let fd =
            inPlace
            ? open(path, O_WRONLY | O_CLOEXEC)
            : open(temporary!, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw TraceError(file: path, line: 0, message: "cannot write: \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.sink = Sink(fd: fd, name: path)
        self.temporary = temporary
    }

    deinit {
        lane?.stop()
        guard !finished, sink.fd != 1 else { return }
        close(sink.fd)
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
        try add(.header(header), weight: 1024)
    }

    /// Writes `span`. `size` is about how many bytes it holds, when the caller knows it (the
    /// length of the line it was read from): it bounds the memory of the spans waiting to be
    /// written, and without it the span's values are walked to estimate it.
    public func write(_ span: Span, size: Int? = nil) throws(TraceError) {
        try add(.span(span), weight: size.map { max($0, 256) } ?? WriterLane.weight(of: span))
    }

    private func add(_ line: WriterLane.Line, weight: Int) throws(TraceError) {
        pending.append(line)
        pendingWeight += weight
        if pending.count >= TraceOutput.batchLines || pendingWeight >= TraceOutput.batchWeight { try handOver() }
    }

    private func handOver() throws(TraceError) {
        let lane = self.lane ?? WriterLane(sink: sink)
        self.lane = lane
        let lines = pending
        pending = []
        pending.reserveCapacity(TraceOutput.batchLines)
        let weight = pendingWeight
        pendingWeight = 0
        try lane.put(lines, weight: weight)
    }

    /// Writes what is buffered and, for a file, puts it in place.
    public func finish() throws(TraceError) {
        if !pending.isEmpty { try handOver() }
        if let lane {
            self.lane = nil
            try lane.close()
        }
        try sink.flush()
        finished = true
        guard let path, sink.fd != 1 else { return }
        guard let temporary else {
            if close(sink.fd) != 0 { throw TraceError(file: path, line: 0, message: "cannot write: \(String(cString: strerror(errno)))") }
            return
        }
        if close(sink.fd) != 0 || rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw TraceError(file: path, line: 0, message: "cannot write: \(reason)")
        }
    }

    /// The descriptor and its buffer. The writing thread owns it while it runs; the caller
    /// before it starts and after it has ended.
    final class Sink: @unchecked Sendable {
        let fd: Int32
        let name: String
        private var buffer = ByteBuffer(capacity: Sink.flushSize * 2)
        private static let flushSize = 1 << 20

        init(fd: Int32, name: String) {
            self.fd = fd
            self.name = name
        }

        func write(_ line: WriterLane.Line) throws(TraceError) {
            switch line {
            case .header(let header):
                var bytes: [UInt8] = []
                TraceWriter.append(header, to: &bytes)
                bytes.withUnsafeBufferPointer { buffer.append($0) }
            case .span(let span):
                TraceWriter.emit(span, to: &buffer)
            }
            if buffer.count >= Sink.flushSize { try flush() }
        }

        func flush() throws(TraceError) {
            var done = 0
            let bytes = buffer.bytes
            var failure: Int32?
            while done < bytes.count {
                let n = systemWrite(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                done += n
            }
            buffer.removeAll()
            if let failure {
                throw TraceError(file: name, line: 0, message: "cannot write: \(String(cString: strerror(failure)))")
            }
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
