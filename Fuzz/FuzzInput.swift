#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Trace

/// What every fuzz target shares: the importers read files, so each input is written to one
/// file in a private directory (made once per process) and read from there.
///
/// A fuzz target must not crash, hang or grow without bound on any input: a `TraceError` is
/// the expected answer to bad bytes; anything else — a trap, a sanitizer report, a timeout —
/// is a finding libFuzzer keeps.
enum FuzzInput {
    /// The private directory, under `$TMPDIR` (or /tmp).
    static let directory: String = {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array((base + "/agentreplay-fuzz.XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            fatalError("fuzz: cannot make a directory under \(base): \(String(cString: strerror(errno)))")
        }
        return String(cString: template)
    }()

    /// Writes `data` to `directory/name`, replacing what was there, and returns the path.
    static func file(_ data: UnsafePointer<UInt8>?, _ size: Int, name: String) -> String {
        let path = directory + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { fatalError("fuzz: cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var done = 0
        while done < size, let data {
            let n = write(fd, data + done, size - done)
            guard n > 0 else { fatalError("fuzz: cannot write \(path): \(String(cString: strerror(errno)))") }
            done += n
        }
        return path
    }

    /// A property every answer must have: when it does not, says which (on standard error,
    /// which libFuzzer keeps in its log) and stops. `precondition` says nothing in an optimised
    /// build, so a finding in CI would name no cause.
    static func require(_ condition: Bool, _ message: @autoclosure () -> String, line: UInt = #line) {
        guard !condition else { return }
        fatalError("fuzz: \(message())", line: line)
    }

    /// The input as bytes.
    static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// What an imported trace must satisfy: written in the native format and read back, it
    /// is the same trace, and writing it again gives the same bytes (the writer is canonical).
    static func checkRoundTrip(_ trace: Trace, what: String) {
        let bytes = TraceWriter.bytes(trace)
        let path = file(bytes, bytes.count, name: "roundtrip.ndjson")
        let again: Trace
        do {
            again = try TraceReader.read(path: path)
        } catch {
            fatalError("fuzz: \(what): the native trace written for this input does not read back: \(error)")
        }
        let rewritten = TraceWriter.bytes(again)
        guard rewritten == bytes else {
            fatalError("fuzz: \(what): the native trace is not canonical (written, read, written again differ)")
        }
    }
}
