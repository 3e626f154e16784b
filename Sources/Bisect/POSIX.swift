#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX helpers the runner and the worktree share: a monotonic clock, wait-status
/// decoding (the `W*` macros are not imported into Swift), and C string arrays.
enum POSIX {
    /// Nanoseconds on the monotonic clock (`clock_gettime(CLOCK_MONOTONIC)`).
    static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    /// The exit status a shell would report for a `waitpid` status: the exit code, or 128
    /// plus the signal that killed the process.
    static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        if signal == 0 { return (status >> 8) & 0xff }
        return 128 + signal
    }

    /// `strerror(errno)` as a String.
    static func error(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }

    /// Calls `body` with a NULL-terminated array of C strings, freed after.
    static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) throws -> R) rethrows -> R {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return try body(pointers)
    }
}
