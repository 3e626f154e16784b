/// Text from a log made safe to print on one terminal line: control characters (escape
/// sequences, carriage returns, newlines) are shown as `?`.
enum Printable {
    static func line(_ text: String) -> String {
        // Most text has nothing to replace: one pass over the bytes says so.
        var clean = true
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte <= 0x9F)
                || (previous == 0x80 && (byte == 0xA8 || byte == 0xA9))
            {
                clean = false
                break
            }
            previous = byte
        }
        if clean { return text }
        return String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}") ? "?" : scalar
                }))
    }
}
