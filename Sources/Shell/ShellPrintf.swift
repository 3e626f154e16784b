import ToolSemantics

/// The `printf` builtin, for the formats replay follows: text with the escapes `\\` `\n` `\t`
/// `\r` `\"` `\'` `\a` `\b` `\f` `\v`, and the conversions `%s`, `%d`, `%i`, `%c`, `%%`
/// without flags or widths. The format is reused while arguments remain, as the shell does.
enum ShellPrintf {
    /// The bytes `printf args…` prints; nil for what replay does not follow.
    /// Throws `ReplayLimits.Exceeded` when the output would be larger than a file may be
    /// (a format reused for every argument multiplies the two).
    static func format(_ arguments: [String], limits: ReplayLimits = .current) throws(ReplayLimits.Exceeded) -> [UInt8]? {
        var args = arguments[...]
        if args.first == "-v" { return [] }  // assigns a variable, prints nothing
        if args.first == "--" { args = args.dropFirst() }
        guard let format = args.first else { return nil }
        args = args.dropFirst()
        let f = Array(format.unicodeScalars)
        // Bytes, not a String.UnicodeScalarView: appending to a view copied it whole each time
        // here (quadratic in the output).
        var out: [UInt8] = []
        func append(_ c: Unicode.Scalar) { UTF8.encode(c) { out.append($0) } }
        func append<S: Sequence>(contentsOf scalars: S) where S.Element == Unicode.Scalar { for c in scalars { append(c) } }
        repeat {
            var consumed = false
            var i = 0
            while i < f.count {
                let c = f[i]
                if c == "\\" {
                    guard i + 1 < f.count else { append(c); i += 1; continue }
                    let n = f[i + 1]
                    let map: [Unicode.Scalar: Unicode.Scalar] = [
                        "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "\"": "\"", "'": "'", "a": "\u{07}", "b": "\u{08}",
                        "f": "\u{0C}", "v": "\u{0B}",
                    ]
                    guard let e = map[n] else { return nil }
                    append(e)
                    i += 2
                    continue
                }
                if c == "%" {
                    guard i + 1 < f.count else { return nil }
                    let n = f[i + 1]
                    i += 2
                    switch n {
                    case "%":
                        append("%")
                    case "s":
                        consumed = true
                        append(contentsOf: (args.popFirst() ?? "").unicodeScalars)
                    case "c":
                        consumed = true
                        if let first = (args.popFirst() ?? "").unicodeScalars.first { append(first) }
                    case "d", "i":
                        consumed = true
                        let a = args.popFirst() ?? ""
                        // A leading 0 is octal to the shell (`printf %d 010` prints 8).
                        let digits = a.drop { $0 == "+" || $0 == "-" }
                        guard !(digits.count > 1 && digits.hasPrefix("0")), let v = a.isEmpty ? 0 : Int(a) else { return nil }
                        append(contentsOf: String(v).unicodeScalars)
                    default:
                        return nil
                    }
                    continue
                }
                append(c)
                i += 1
            }
            if !consumed { break }
            try limits.checkFile("the output of `printf`", size: out.count)
        } while !args.isEmpty
        return out
    }
}
