/// Text made safe for HTML: element content and attribute values.
enum HTML {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and newline would make the page invalid.
                if c.value < 0x20 && c != "\t" && c != "\n" { out += "\u{FFFD}" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    /// `value` as an Int64, held at its bounds (a log's counts reach them; the conversion
    /// traps past them): NaN is 0.
    static func int64(_ value: Double) -> Int64 {
        if value.isNaN { return 0 }
        if value >= 9_223_372_036_854_775_807.0 { return .max }
        if value <= -9_223_372_036_854_775_808.0 { return .min }
        return Int64(value)
    }

    /// A number with at most `decimals` decimals, no trailing zeros (`12.5`), for SVG and CSS.
    static func number(_ value: Double, decimals: Int = 2) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded() || !(abs(rounded * scale) < 9e18) { return String(int64(rounded)) }
        var text = String(int64((abs(rounded) * scale).rounded()))
        while text.count <= decimals { text = "0" + text }
        let cut = text.index(text.endIndex, offsetBy: -decimals)
        var fraction = String(text[cut...])
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return (rounded < 0 ? "-" : "") + String(text[..<cut]) + "." + fraction
    }
}
