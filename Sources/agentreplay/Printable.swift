/// Text from a log made safe to print on one terminal line: control characters (escape
/// sequences, carriage returns, newlines) are shown as `?`.
enum Printable {
    static func line(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}") ? "?" : scalar
        }))
    }
}
