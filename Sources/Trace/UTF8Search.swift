#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StringProtocol {
    /// The range of the first occurrence of `needle`, its UTF-8 bytes compared exactly (no
    /// Unicode equivalence), found with `memchr` and `memcmp`: Foundation's `range(of:)`
    /// goes through CFString on Linux, a hundred times slower on a tool's output.
    public func firstUTF8Range(of needle: String) -> Range<String.Index>? {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first else { return startIndex..<startIndex }
        func search(_ hay: UnsafeBufferPointer<UInt8>) -> Int? {
            guard let base = hay.baseAddress, hay.count >= pattern.count else { return nil }
            var at = 0
            let last = hay.count - pattern.count
            while at <= last, let hit = memchr(base + at, Int32(first), last - at + 1) {
                let offset = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                if pattern.withUnsafeBytes({ memcmp(base + offset, $0.baseAddress!, pattern.count) }) == 0 { return offset }
                at = offset + 1
            }
            return nil
        }
        let found = utf8.withContiguousStorageIfAvailable(search) ?? Array(utf8).withUnsafeBufferPointer(search)
        guard let offset = found else { return nil }
        let lower = utf8.index(utf8.startIndex, offsetBy: offset)
        return lower..<utf8.index(lower, offsetBy: pattern.count)
    }
}
