/// The tokens of a Codex code-mode script (the JavaScript an `exec` call runs): identifiers
/// and keywords, numbers, strings and template strings with their JS escapes decoded,
/// regular expressions, punctuators. Comments are dropped; each token says whether a line
/// break came before it (for automatic semicolon insertion).
///
/// Strict on purpose: whatever it cannot tokenize with certainty (a `/` after `}` that could
/// start a regular expression or divide, HTML-like comments, legacy octal escapes, an
/// unterminated string) throws `CodexScript.Unreadable`, and the script is not replayed.
extension CodexScript {
    struct Token: Equatable {
        enum Kind: Equatable {
            /// An identifier or a keyword (`const`, `await`, `tools`, `text`).
            case word(String)
            /// A number, as written.
            case number(String)
            /// A '…' or "…" string, decoded.
            case string(String)
            /// A `…` template string: its text parts, decoded, with the tokens of each `${…}`
            /// between them (`parts.count == substitutions.count + 1`).
            case template(parts: [String], substitutions: [[Token]])
            case regex
            case punct(String)
        }

        var kind: Kind
        /// Whether a line terminator came before the token.
        var newlineBefore = false

        func isPunct(_ p: String) -> Bool { kind == .punct(p) }
        func isWord(_ w: String) -> Bool { kind == .word(w) }
        var word: String? { if case .word(let w) = kind { return w } else { return nil } }
    }

    struct Unreadable: Error, Equatable {
        var reason: String
    }

    /// Reads `source` into tokens.
    static func tokenize(_ source: String) throws(Unreadable) -> [Token] {
        var lexer = Lexer(Array(source.unicodeScalars))
        let tokens = try lexer.tokens(untilBrace: false)
        return tokens
    }

    struct Lexer {
        let s: [Unicode.Scalar]
        var i = 0

        init(_ scalars: [Unicode.Scalar]) { s = scalars }

        static let punctuators = [
            ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=",
            "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=",
            "&=", "|=", "^=", "**", "<<", ">>",
            "{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "/", "%", "&", "|", "^",
            "!", "~", "?", ":", "=", ".", "@", "#",
        ].map { Array($0.unicodeScalars) }

        /// Keywords after which a `/` starts a regular expression rather than dividing.
        static let regexAfter: Set<String> = [
            "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await",
        ]

        func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < s.count ? s[i + k] : nil }

        static func isLineTerminator(_ c: Unicode.Scalar) -> Bool {
            c == "\n" || c == "\r" || c.value == 0x2028 || c.value == 0x2029
        }

        static func isSpace(_ c: Unicode.Scalar) -> Bool {
            c == " " || c == "\t" || c.value == 0x0B || c.value == 0x0C || c.value == 0xA0 || c.value == 0xFEFF
                || c.properties.generalCategory == .spaceSeparator
        }

        static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
            c == "$" || c == "_" || (c.value < 0x80 ? c.properties.isAlphabetic : c.properties.isIDStart)
        }

        static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
            isIdentifierStart(c) || (c.value < 0x80 ? ("0"..."9").contains(c) : c.properties.isIDContinue)
                || c.value == 0x200C || c.value == 0x200D
        }

        /// Tokens up to the end of the source, or (inside a template's `${`) up to the `}`
        /// that closes it, which is consumed.
        mutating func tokens(untilBrace: Bool) throws(Unreadable) -> [Token] {
            var out: [Token] = []
            var depth = 0
            var newline = false
            while true {
                // Space and comments.
                guard let c = peek() else {
                    if untilBrace { throw Unreadable(reason: "a template's ${ is not closed") }
                    return out
                }
                if Self.isLineTerminator(c) { newline = true; i += 1; continue }
                if Self.isSpace(c) { i += 1; continue }
                if c == "/", peek(1) == "/" {
                    while let d = peek(), !Self.isLineTerminator(d) { i += 1 }
                    continue
                }
                if c == "/", peek(1) == "*" {
                    i += 2
                    while true {
                        guard let d = peek() else { throw Unreadable(reason: "a /* comment is not closed") }
                        if d == "*", peek(1) == "/" { i += 2; break }
                        if Self.isLineTerminator(d) { newline = true }
                        i += 1
                    }
                    continue
                }
                if c == "<", peek(1) == "!", peek(2) == "-", peek(3) == "-" {
                    throw Unreadable(reason: "an HTML-like comment (<!--)")
                }
                if c == "-", peek(1) == "-", peek(2) == ">" {
                    throw Unreadable(reason: "--> (an HTML-like comment, or x-- > y)")
                }
                let kind: Token.Kind
                if untilBrace, depth == 0, c == "}" {
                    i += 1
                    return out
                } else if Self.isIdentifierStart(c) || c == "\\" {
                    kind = .word(try identifier())
                } else if ("0"..."9").contains(c) || (c == "." && peek(1).map { ("0"..."9").contains($0) } == true) {
                    kind = .number(number())
                } else if c == "\"" || c == "'" {
                    kind = .string(try string(quote: c))
                } else if c == "`" {
                    kind = try template()
                } else if c == "/" {
                    switch out.last?.kind {
                    case nil:
                        kind = try regex()
                    case .punct("}"):
                        throw Unreadable(reason: "a / after } (a regular expression or a division)")
                    case .punct(")"), .punct("]"), .number, .string, .template, .regex:
                        kind = .punct(try punctuator())
                    case .word(let w):
                        kind = Self.regexAfter.contains(w) ? try regex() : .punct(try punctuator())
                    case .punct?:
                        kind = try regex()
                    }
                } else {
                    kind = .punct(try punctuator())
                    if kind == .punct("{") { depth += 1 }
                    if kind == .punct("}") { depth -= 1 }
                }
                out.append(Token(kind: kind, newlineBefore: newline))
                newline = false
            }
        }

        mutating func punctuator() throws(Unreadable) -> String {
            for p in Self.punctuators where i + p.count <= s.count && Array(s[i..<(i + p.count)]) == p {
                i += p.count
                return String(String.UnicodeScalarView(p))
            }
            throw Unreadable(reason: "an unexpected character U+\(String(s[i].value, radix: 16, uppercase: true))")
        }

        mutating func identifier() throws(Unreadable) -> String {
            var out = String.UnicodeScalarView()
            while let c = peek() {
                if c == "\\" { throw Unreadable(reason: "an escape in an identifier") }
                guard Self.isIdentifierPart(c) else { break }
                out.append(c)
                i += 1
            }
            return String(out)
        }

        mutating func number() -> String {
            var out = String.UnicodeScalarView()
            while let c = peek() {
                let hex = out.count > 1 && out.first == "0" && "xX".unicodeScalars.contains(out[out.index(after: out.startIndex)])
                let exponentSign = (c == "+" || c == "-") && (out.last == "e" || out.last == "E") && !hex
                guard c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "." || c == "_" || exponentSign else { break }
                out.append(c)
                i += 1
            }
            return String(out)
        }

        mutating func regex() throws(Unreadable) -> Token.Kind {
            i += 1
            var inClass = false
            while true {
                guard let c = peek(), !Self.isLineTerminator(c) else { throw Unreadable(reason: "a regular expression is not closed") }
                i += 1
                if c == "\\" {
                    guard let d = peek(), !Self.isLineTerminator(d) else { throw Unreadable(reason: "a regular expression is not closed") }
                    i += 1
                } else if c == "[" {
                    inClass = true
                } else if c == "]" {
                    inClass = false
                } else if c == "/", !inClass {
                    break
                }
            }
            while let c = peek(), Self.isIdentifierPart(c) { i += 1 }
            return .regex
        }

        mutating func string(quote: Unicode.Scalar) throws(Unreadable) -> String {
            i += 1
            var units: [UInt16] = []
            while true {
                guard let c = peek() else { throw Unreadable(reason: "a string is not closed") }
                if c == quote { i += 1; break }
                if c == "\n" || c == "\r" { throw Unreadable(reason: "a line break in a string") }
                i += 1
                if c == "\\" { try escape(into: &units, template: false) } else { units.append(contentsOf: UTF16.encode(c)!) }
            }
            return String(decoding: units, as: UTF16.self)
        }

        mutating func template() throws(Unreadable) -> Token.Kind {
            i += 1
            var parts: [String] = []
            var substitutions: [[Token]] = []
            var units: [UInt16] = []
            while true {
                guard let c = peek() else { throw Unreadable(reason: "a template string is not closed") }
                i += 1
                if c == "`" { break }
                if c == "$", peek() == "{" {
                    i += 1
                    parts.append(String(decoding: units, as: UTF16.self))
                    units = []
                    substitutions.append(try tokens(untilBrace: true))
                } else if c == "\\" {
                    try escape(into: &units, template: true)
                } else if c == "\r" {
                    // A template's CR and CR LF are read as LF.
                    if peek() == "\n" { i += 1 }
                    units.append(0x0A)
                } else {
                    units.append(contentsOf: UTF16.encode(c)!)
                }
            }
            parts.append(String(decoding: units, as: UTF16.self))
            return .template(parts: parts, substitutions: substitutions)
        }

        /// Decodes the escape after a backslash (already consumed).
        mutating func escape(into units: inout [UInt16], template: Bool) throws(Unreadable) {
            guard let c = peek() else { throw Unreadable(reason: "a string ends in a backslash") }
            i += 1
            switch c {
            case "n": units.append(0x0A)
            case "t": units.append(0x09)
            case "r": units.append(0x0D)
            case "b": units.append(0x08)
            case "f": units.append(0x0C)
            case "v": units.append(0x0B)
            case "0" where !(peek().map { ("0"..."9").contains($0) } ?? false): units.append(0)
            case "1"..."9", "0":
                throw Unreadable(reason: "a legacy octal escape in a string")
            case "x":
                units.append(UInt16(try hex(count: 2)))
            case "u":
                if peek() == "{" {
                    i += 1
                    var value: UInt32 = 0
                    var digits = 0
                    while let d = peek(), d != "}" {
                        guard d.isASCII, let v = UInt32(String(d), radix: 16) else {
                            throw Unreadable(reason: "a bad \\u{…} escape")
                        }
                        value = value * 16 + v
                        digits += 1
                        i += 1
                        if value > 0x10FFFF { throw Unreadable(reason: "a \\u{…} escape past U+10FFFF") }
                    }
                    guard peek() == "}", digits > 0 else { throw Unreadable(reason: "a bad \\u{…} escape") }
                    i += 1
                    guard let scalar = Unicode.Scalar(value) else { units.append(UInt16(value)); return }
                    units.append(contentsOf: UTF16.encode(scalar)!)
                } else {
                    units.append(UInt16(try hex(count: 4)))
                }
            case "\r":
                if peek() == "\n" { i += 1 }  // a line continuation: nothing
            case "\n":
                break
            default:
                if c.value == 0x2028 || c.value == 0x2029 { break }
                units.append(contentsOf: UTF16.encode(c)!)
            }
        }

        mutating func hex(count: Int) throws(Unreadable) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<count {
                guard let d = peek(), d.isASCII, let v = UInt32(String(d), radix: 16) else {
                    throw Unreadable(reason: "a bad \\x or \\u escape")
                }
                value = value * 16 + v
                i += 1
            }
            return value
        }
    }
}
