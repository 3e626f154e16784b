/// Text from a log made inert: every character a terminal (or `git log` in one) would act on
/// rather than show is written as a visible escape, so a tool name, a path or a message
/// holding `ESC ] 8 ;…` or `\r` prints as those characters, never as a control sequence.
///
/// What is escaped (`docs/security.md`, "What reaches a terminal"):
/// - C0 controls and DEL: `\x1b`, `\x00`, …; `\r` as `\r`; tab and newline as `\t` and `\n`
///   unless the caller keeps them (`keepLines`);
/// - C1 controls (U+0080–U+009F, which some terminals read as ESC + a letter): `\u{9B}`;
/// - the invisible characters that reorder or hide text (bidi overrides and isolates
///   U+202A–U+202E, U+2066–U+2069, marks U+200E, U+200F, U+061C, the line and paragraph
///   separators U+2028, U+2029): `\u{202E}`.
///
/// Everything else, including a backslash, is kept as it is; text needing no escape is
/// returned unchanged (no copy). JSON output, the native trace and files keep strings exact:
/// only what is shown to a person goes through here.
public enum VisibleText {
    /// `text` with its control characters escaped; tab and newline kept when `keepLines`.
    public static func escape(_ text: String, keepLines: Bool = false) -> String {
        // Printable ASCII (the common case: ids, paths, tool names) has nothing to escape: a
        // byte scan, where the scalar walk below costs several times more.
        var copy = text
        let plain = copy.withUTF8 { bytes in
            for byte in bytes where byte < 0x20 || byte >= 0x7F {
                if !(keepLines && (byte == 0x0A || byte == 0x09)) { return false }
            }
            return true
        }
        if plain { return text }
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepLines: keepLines) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if needsEscape(scalar, keepLines: keepLines) {
                out.append(contentsOf: visible(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether `scalar` is written as an escape.
    public static func needsEscape(_ scalar: Unicode.Scalar, keepLines: Bool = false) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: return !keepLines
        case 0x00...0x1F, 0x7F, 0x80...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// The escape written for `scalar`: `\r`, `\t`, `\n`, `\xHH` below U+0080, else `\u{H…}`.
    static func visible(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0..<0x80:
            let hex = String(scalar.value, radix: 16)
            return "\\x" + (hex.count < 2 ? "0" : "") + hex
        default: return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
    }
}
