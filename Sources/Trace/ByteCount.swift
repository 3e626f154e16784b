/// A count as a person writes one in an environment variable: a whole number with an optional
/// `K`, `M` or `G` (powers of 1024): `1048576`, `64M`, `2G`. The limits read this way
/// (`AGENTREPLAY_MAX_LINE_BYTES`, the replay limits) say so in `docs/security.md`, "Limits".
package enum ByteCount {
    /// `text` as a count; nil for anything else, or a count past `Int.max`.
    package static func parse(_ text: String) -> Int? {
        var digits = Substring(text)
        var shift = 0
        switch digits.last {
        case "K", "k": shift = 10
        case "M", "m": shift = 20
        case "G", "g": shift = 30
        default: break
        }
        if shift > 0 { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits), n < (Int.max >> shift) else { return nil }
        return n << shift
    }
}
