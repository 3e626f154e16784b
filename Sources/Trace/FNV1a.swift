/// FNV-1a, 64 bit: the hash behind the ids agentreplay derives from a log's own ids (the
/// importers' span and trace ids, the OTLP export's), the same on any machine.
public enum FNV1a {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    public static func hash(_ text: String, seed: UInt64 = offsetBasis) -> UInt64 {
        var h = seed
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    public static func hash(bytes: UnsafeRawBufferPointer, seed: UInt64 = offsetBasis) -> UInt64 {
        var h = seed
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// `v` as 16 lowercase hexadecimal digits.
    public static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
