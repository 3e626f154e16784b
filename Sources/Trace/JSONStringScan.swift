/// Finds, eight bytes at a time, where a run of string bytes that JSON leaves as they are
/// ends: at a `"`, a `\` or a control character (below 0x20). Both the parser and the writer
/// spend most of their time in long runs of source code; this lets them skip those runs
/// without looking at each byte.
enum JSONStringScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The first offset at or after `start`, and before `end`, of a word that holds a special
    /// byte, or the last whole-word boundary before `end`: callers finish byte by byte.
    @inline(__always)
    static func skipPlain(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let raw = UnsafeRawPointer(base)
        var i = start
        while i + 8 <= end {
            let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            if hasSpecial(w) { return i }
            i += 8
        }
        return i
    }

    /// The offset of the first `"`, `\` or control character at or after `start` and before
    /// `end`, or `end` when there is none: whole words first, the word's first special byte
    /// found from its mask (only the lowest flagged byte of a mask is exact, which is the one
    /// taken), the tail byte by byte.
    @inline(__always)
    static func firstSpecial(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        guard let base = bytes.baseAddress else { return end }
        let raw = UnsafeRawPointer(base)
        var i = start
        while i + 8 <= end {
            let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let m = specialMask(w)
            if m != 0 { return i + m.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < end {
            let b = base[i]
            if b < 0x20 || b == 0x22 || b == 0x5C { return i }
            i += 1
        }
        return end
    }

    /// Whether any byte of `w` is `"`, `\` or below 0x20 (exact: no false positives).
    @inline(__always)
    static func hasSpecial(_ w: UInt64) -> Bool { specialMask(w) != 0 }

    /// The high bit of each byte of `w` that is `"`, `\` or below 0x20, and possibly of bytes
    /// after (above) the first such byte: a borrow carries upwards, never down, so the lowest
    /// set bit always marks the first special byte.
    @inline(__always)
    static func specialMask(_ w: UInt64) -> UInt64 {
        let quote = w ^ (ones &* 0x22)
        let backslash = w ^ (ones &* 0x5C)
        // A byte below n (n ≤ 0x80) exists iff (x - n·ones) & ~x & highs is non-zero; a zero
        // byte is the case n = 1.
        let control = (w &- ones &* 0x20) & ~w
        let q = (quote &- ones) & ~quote
        let b = (backslash &- ones) & ~backslash
        return (control | q | b) & highs
    }
}
