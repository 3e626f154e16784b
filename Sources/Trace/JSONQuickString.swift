#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The common road of reading a JSON string: find its end first, then make the string in one
/// go — straight from the bytes when it has no escape, or decoding its escapes into a string
/// of the right size when its bytes are ASCII. A string it is not sure of (bad UTF-8, a bad
/// escape, a control character, no end) is left to `parseStringCarefully`, which reads it
/// again and finds the error where it is.
extension JSONCursor {
    /// The string whose opening quote is at the cursor, the cursor moved past its closing
    /// quote; or nil, the cursor left anywhere.
    mutating func quickString() -> String? {
        let start = index + 1
        var i = start
        var escapes = false
        while true {
            i = JSONStringScan.firstSpecial(bytes, from: i, to: bytes.count)
            guard i < bytes.count else { return nil }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { break }
            if b != UInt8(ascii: "\\") { return nil }
            escapes = true
            i += 2
        }
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<i])
        let s: String?
        if !escapes {
            s = JSONCursor.string(raw)
        } else {
            s = JSONCursor.isASCII(raw) ? JSONCursor.unescapeASCII(raw) : nil
        }
        if s != nil { index = i + 1 }
        return s
    }

    /// Whether every byte is below 0x80, eight at a time.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var high: UInt64 = 0
        var i = 0
        while i + 8 <= bytes.count {
            high |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < bytes.count { high |= UInt64(bytes[i]); i += 1 }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// The string that ASCII `raw` (a JSON string's bytes between its quotes, with escapes)
    /// stands for, or nil at an escape that is not valid. Escapes never make a string longer,
    /// so `raw.count` bytes always hold it.
    static func unescapeASCII(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var valid = true
        let s = String(unsafeUninitializedCapacity: raw.count) { out -> Int in
            var o = 0
            var r = 0
            let n = raw.count
            while r < n {
                // Copy up to the next backslash (the only special byte left in `raw`).
                let e = memchr(raw.baseAddress! + r, 0x5C, n - r).map { UnsafeRawPointer($0) - UnsafeRawPointer(raw.baseAddress!) } ?? n
                if e > r {
                    (out.baseAddress! + o).update(from: raw.baseAddress! + r, count: e - r)
                    o += e - r
                }
                guard e < n else { break }
                guard e + 1 < n else { valid = false; return 0 }
                r = e + 2
                switch raw[e + 1] {
                case UInt8(ascii: "\""): out[o] = 0x22
                case UInt8(ascii: "\\"): out[o] = 0x5C
                case UInt8(ascii: "/"): out[o] = 0x2F
                case UInt8(ascii: "b"): out[o] = 0x08
                case UInt8(ascii: "f"): out[o] = 0x0C
                case UInt8(ascii: "n"): out[o] = 0x0A
                case UInt8(ascii: "r"): out[o] = 0x0D
                case UInt8(ascii: "t"): out[o] = 0x09
                case UInt8(ascii: "u"):
                    guard var scalar = hex4(raw, at: r) else { valid = false; return 0 }
                    r += 4
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        guard r + 6 <= n, raw[r] == UInt8(ascii: "\\"), raw[r + 1] == UInt8(ascii: "u"),
                            let low = hex4(raw, at: r + 2), low >= 0xDC00 && low < 0xE000
                        else { valid = false; return 0 }
                        r += 6
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        valid = false
                        return 0
                    }
                    o += writeUTF8(scalar, to: out.baseAddress! + o)
                    continue
                default:
                    valid = false
                    return 0
                }
                o += 1
            }
            return o
        }
        return valid ? s : nil
    }

    /// Four hex digits at `at`, or nil.
    private static func hex4(_ raw: UnsafeBufferPointer<UInt8>, at: Int) -> UInt32? {
        guard at + 4 <= raw.count else { return nil }
        var value: UInt32 = 0
        for k in at..<at + 4 {
            guard let digit = hexValue(raw[k]) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    /// The value of one hex digit of a `\u` escape (either case), or nil.
    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c - 0x30)
        case 0x41...0x46: return UInt32(c - 0x41 + 10)
        case 0x61...0x66: return UInt32(c - 0x61 + 10)
        default: return nil
        }
    }

    /// Writes `scalar` (not a surrogate) as UTF-8; returns the number of bytes.
    private static func writeUTF8(_ scalar: UInt32, to p: UnsafeMutablePointer<UInt8>) -> Int {
        switch scalar {
        case 0..<0x80:
            p[0] = UInt8(scalar)
            return 1
        case 0x80..<0x800:
            p[0] = UInt8(0xC0 | (scalar >> 6))
            p[1] = UInt8(0x80 | (scalar & 0x3F))
            return 2
        case 0x800..<0x10000:
            p[0] = UInt8(0xE0 | (scalar >> 12))
            p[1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            p[2] = UInt8(0x80 | (scalar & 0x3F))
            return 3
        default:
            p[0] = UInt8(0xF0 | (scalar >> 18))
            p[1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
            p[2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            p[3] = UInt8(0x80 | (scalar & 0x3F))
            return 4
        }
    }
}
