#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Strings read before, found again by their bytes. Span lines repeat the same attribute
/// names (`gen_ai.tool.call.id`, `agentreplay.source.line`, …) and times line after line,
/// and a string of more than 15 bytes is an allocation each time it is made; one found here
/// is shared instead. Direct-mapped (256 slots; a miss replaces the slot's string), so a
/// lookup costs one comparison and the cache cannot grow. Each string keeps a `Note` of what
/// its reader worked out about it (for an attribute name, the type its value must have).
struct RecentStrings<Note> {
    private var slots: [(String, Note)?] = Array(repeating: nil, count: 256)

    /// The string whose UTF-8 is `bytes`, with what was noted of it, from the cache or made
    /// by `make` (nil: not a valid string, which is not cached). `bytes` must be ASCII or
    /// checked by `make`.
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>, make: (UnsafeBufferPointer<UInt8>) -> (String, Note)?) -> (String, Note)? {
        let slot = RecentStrings.slot(bytes)
        if let cached = slots[slot], sameUTF8(cached.0, bytes) { return cached }
        guard let made = make(bytes) else { return nil }
        slots[slot] = made
        return made
    }

    /// The slot of `bytes`: a mix of its length and of its first and last eight bytes.
    private static func slot(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let n = bytes.count
        var h = UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        if n >= 8 {
            let raw = UnsafeRawPointer(bytes.baseAddress!)
            h ^= raw.loadUnaligned(as: UInt64.self)
            h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
            h ^= raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else {
            for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        }
        h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
        return Int(truncatingIfNeeded: h >> 56)
    }
}

/// Whether `s`'s UTF-8 is `bytes`.
func sameUTF8(_ s: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = bytes.count
    guard s.utf8.count == n else { return false }
    guard n > 0 else { return true }
    return s.utf8.withContiguousStorageIfAvailable { memcmp($0.baseAddress!, bytes.baseAddress!, n) == 0 }
        ?? s.utf8.elementsEqual(bytes)
}
