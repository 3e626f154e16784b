import CFindBytes
import Trace
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level text operations with the semantics of JavaScript strings over valid UTF-8
/// (what Node-based agents such as Claude Code do): exact, code-unit matching, no Unicode
/// normalisation, no locale.
package enum Bytes {
    /// Offsets of the non-overlapping occurrences of `needle`, left to right.
    package static func occurrences(of needle: [UInt8], in haystack: [UInt8], limit: Int = .max) -> [Int] {
        guard !needle.isEmpty, needle.count <= haystack.count else { return [] }
        var found: [Int] = []
        haystack.withUnsafeBytes { h in
            needle.withUnsafeBytes { n in
                var offset = 0
                while offset <= h.count - n.count, found.count < limit {
                    // memmem (agentreplay_find_bytes: two-way search, vectorised): no memcmp at every
                    // position where the needle's first byte occurs.
                    guard let p = agentreplay_find_bytes(h.baseAddress! + offset, h.count - offset, n.baseAddress!, n.count) else { break }
                    let at = h.baseAddress!.distance(to: UnsafeRawPointer(p))
                    found.append(at)
                    offset = at + n.count
                }
            }
        }
        return found
    }

    package static func contains(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        !occurrences(of: needle, in: haystack, limit: 1).isEmpty
    }

    /// The size of `haystack` with `length` bytes replaced by `replacement` at `count`
    /// offsets, saturating: checked against the file limit before anything is built.
    package static func sizeAfterReplacing(_ count: Int, length: Int, with replacement: Int, in haystack: Int) -> Int {
        haystack.saturatingAdd(count.saturatingMultiply(replacement - length))
    }

    /// `haystack` with `needle` replaced at `offsets` (non-overlapping, ascending).
    package static func replacing(_ offsets: [Int], length: Int, with replacement: [UInt8], in haystack: [UInt8]) -> [UInt8] {
        let size = haystack.count + offsets.count * (replacement.count - length)
        // Bulk copies into a buffer of the final size: one pass, no per-offset growth.
        return [UInt8](unsafeUninitializedCapacity: size) { out, initialized in
            haystack.withUnsafeBufferPointer { h in
                replacement.withUnsafeBufferPointer { r in
                    var last = 0, written = 0
                    func copy(_ from: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
                        guard !range.isEmpty else { return }
                        memcpy(out.baseAddress! + written, from.baseAddress! + range.lowerBound, range.count)
                        written += range.count
                    }
                    for at in offsets {
                        copy(h, last..<at)
                        copy(r, 0..<r.count)
                        last = at + length
                    }
                    copy(h, last..<h.count)
                    initialized = written
                }
            }
        }
    }

    package static func hasSuffix(_ bytes: [UInt8], _ suffix: [UInt8]) -> Bool {
        bytes.count >= suffix.count && bytes[(bytes.count - suffix.count)...].elementsEqual(suffix)
    }

    package static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// CRLF line endings turned into LF.
    package static func normalisingCRLF(_ bytes: [UInt8]) -> [UInt8] {
        let hasCR = bytes.withUnsafeBytes { $0.count > 0 && memchr($0.baseAddress!, 0x0D, $0.count) != nil }
        guard hasCR else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1; continue }
            out.append(bytes[i])
            i += 1
        }
        return out
    }

    /// LF line endings turned into CRLF.
    package static func usingCRLF(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 32)
        for b in bytes {
            if b == 0x0A { out.append(0x0D) }
            out.append(b)
        }
        return out
    }

    /// Whether `a` and `b` hold the same bytes (memcmp: `==` on arrays compares element by
    /// element, and whole files are compared on every Read and Edit).
    package static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
        }
    }

    /// Split on `\n`; a final newline does not start an extra line.
    package static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var out = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if out.last?.isEmpty == true { out.removeLast() }
        return out
    }
}
