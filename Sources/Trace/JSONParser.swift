/// A strict RFC 8259 parser over UTF-8 bytes producing `JSON`.
///
/// Errors carry the byte offset so callers can name the line and column of bad input.
/// Nesting deeper than `maximumDepth` is refused instead of overflowing the stack.
public struct JSONParser {
    public struct Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "\(reason) at byte \(offset + 1)" }
    }

    public static let defaultMaximumDepth = 512

    /// Parses exactly one JSON value (surrounding white space allowed).
    public static func parse(_ bytes: some Collection<UInt8>, maximumDepth: Int = defaultMaximumDepth) throws(Error) -> JSON {
        // Parse in place when the bytes are contiguous (an array or a line's slice of one).
        let inPlace = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(Error) in try parse(buffer, maximumDepth: maximumDepth) }
        }
        if let inPlace { return try inPlace.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer throws(Error) in try parse(buffer, maximumDepth: maximumDepth) }
    }

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>, maximumDepth: Int) throws(Error) -> JSON {
        var parser = JSONCursor(bytes: buffer, maximumDepth: maximumDepth)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.index != buffer.count {
            throw Error(offset: parser.index, reason: "unexpected data after the JSON value")
        }
        return value
    }

    public static func parse(_ text: String, maximumDepth: Int = defaultMaximumDepth) throws(Error) -> JSON {
        try parse(Array(text.utf8), maximumDepth: maximumDepth)
    }
}

/// The parser's position in a buffer of bytes; also used by `SpanLineDecoder` to read a span
/// line's members one by one.
struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    func fail(_ reason: String, at offset: Int? = nil) -> JSONParser.Error {
        JSONParser.Error(offset: offset ?? index, reason: reason)
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(JSONParser.Error) -> JSON {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default:
            throw fail("unexpected character \(describe(bytes[index]))")
        }
    }

    func describe(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParser.Error) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw fail("unexpected end of input") }
        let start = literal.utf8Start
        for i in 0..<count where bytes[index + i] != start[i] {
            throw fail("invalid literal")
        }
        index += count
    }

    mutating func parseObject(depth: Int) throws(JSONParser.Error) -> JSON {
        var members: [(String, JSON)] = []
        if try open(depth: depth, object: true) { return .object(members) }
        while true {
            try memberName()
            let key = try parseString()
            try memberColon()
            let value = try parseValue(depth: depth)
            members.append((key, value))
            if try !goesOn(object: true) { return .object(members) }
        }
    }

    mutating func parseArray(depth: Int) throws(JSONParser.Error) -> JSON {
        var elements: [JSON] = []
        if try open(depth: depth, object: false) { return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            if try !goesOn(object: false) { return .array(elements) }
        }
    }

    // The parts of an object or array that reading it (`parseObject`) and reading past it
    // (`skipObject`, `member`) share.

    /// Passes the `{` or `[` at the cursor, refused deeper than `maximumDepth`, and white
    /// space; true when it closes at once (the `}` or `]` passed too).
    @inline(__always)
    mutating func open(depth: Int, object: Bool) throws(JSONParser.Error) -> Bool {
        if depth > maximumDepth { throw fail("nesting deeper than \(maximumDepth) levels") }
        index += 1
        skipWhitespace()
        let close = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
        if index < bytes.count && bytes[index] == close {
            index += 1
            return true
        }
        return false
    }

    /// Passes white space before a member; the cursor is then at its name's quote.
    @inline(__always)
    mutating func memberName() throws(JSONParser.Error) {
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end of input in an object") }
        guard bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a member name in quotes") }
    }

    /// Passes the `:` after a member's name, and the white space around it.
    @inline(__always)
    mutating func memberColon() throws(JSONParser.Error) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after a member name") }
        index += 1
        skipWhitespace()
    }

    /// After a member or element: passes white space and a `,` (true: another follows) or the
    /// closing `}` or `]` (false).
    @inline(__always)
    mutating func goesOn(object: Bool) throws(JSONParser.Error) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw fail(object ? "unexpected end of input in an object" : "unexpected end of input in an array") }
        if bytes[index] == UInt8(ascii: ",") { index += 1; return true }
        if bytes[index] == (object ? UInt8(ascii: "}") : UInt8(ascii: "]")) { index += 1; return false }
        throw fail(object ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
    }

    mutating func parseNumber() throws(JSONParser.Error) -> JSON {
        let start = index
        try skipNumber()
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }

    /// Moves past the number at the cursor, checking its syntax.
    mutating func skipNumber() throws(JSONParser.Error) {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number", at: start) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number", at: start) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number", at: start) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
    }

    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    mutating func parseString() throws(JSONParser.Error) -> String {
        let quote = index
        if let s = quickString() { return s }
        index = quote
        return try parseStringCarefully()
    }

    /// Reads a string byte by byte as its escapes come, with every error where it is found.
    mutating func parseStringCarefully() throws(JSONParser.Error) -> String {
        let quote = index
        index += 1
        var out: [UInt8] = []
        var runStart = index
        var escaped = false
        while true {
            index = JSONStringScan.firstSpecial(bytes, from: index, to: bytes.count)
            guard index < bytes.count else { throw fail("unterminated string", at: quote) }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { break }
            if b < 0x20 { throw fail("control character in a string") }
            // An escape: copy the run before it, then the character it stands for.
            if !escaped { out.reserveCapacity(index - runStart + 64); escaped = true }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            index += 1
            guard index < bytes.count else { throw fail("unterminated string", at: quote) }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                appendUTF8(try unicodeEscape(), to: &out)
            default:
                throw fail("invalid escape in a string", at: index - 2)
            }
            runStart = index
        }
        let end = index
        index += 1
        // Escapes only ever add valid UTF-8: validating the whole result checks the raw bytes.
        if !escaped {
            let raw = UnsafeBufferPointer(rebasing: bytes[runStart..<end])
            if let s = JSONCursor.string(raw) { return s }
        } else {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<end]))
            if let s = out.withUnsafeBufferPointer(JSONCursor.string) { return s }
        }
        throw fail("invalid UTF-8", at: try firstInvalidUTF8(from: quote + 1, to: end))
    }

    /// `bytes` as a string, or nil when they are not valid UTF-8. ASCII (most of a trace) is
    /// recognised eight bytes at a time and needs no further check; anything else goes through
    /// the standard library's validation.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return "" }
        var i = 0
        var high: UInt64 = 0
        let raw = UnsafeRawPointer(base)
        while i + 8 <= bytes.count {
            high |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < bytes.count { high |= UInt64(bytes[i]); i += 1 }
        if high & 0x8080_8080_8080_8080 == 0 { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The offset of the first byte of an invalid UTF-8 sequence in `from..<to` (for the error).
    func firstInvalidUTF8(from: Int, to: Int) throws(JSONParser.Error) -> Int {
        var i = from
        while i < to {
            if bytes[i] < 0x80 { i += 1; continue }
            do {
                i += try validateUTF8Sequence(at: i)
            } catch {
                return i
            }
        }
        return from
    }

    /// The scalar of a `\u` escape whose `u` was just passed: a high surrogate must be
    /// followed by an escaped low one, and the two make one scalar.
    mutating func unicodeEscape() throws(JSONParser.Error) -> UInt32 {
        var scalar = try hex4()
        if scalar >= 0xD800 && scalar < 0xDC00 {
            if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                index += 2
                let low = try hex4()
                guard low >= 0xDC00 && low < 0xE000 else { throw fail("invalid surrogate pair in a string") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else {
                throw fail("lone surrogate in a string")
            }
        } else if scalar >= 0xDC00 && scalar < 0xE000 {
            throw fail("lone surrogate in a string")
        }
        return scalar
    }

    mutating func hex4() throws(JSONParser.Error) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("unterminated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Self.hexValue(bytes[index]) else { throw fail("invalid \\u escape") }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Checks one UTF-8 sequence starting at `offset` and returns its length.
    func validateUTF8Sequence(at offset: Int) throws(JSONParser.Error) -> Int {
        let lead = bytes[offset]
        let length: Int
        var minimum: UInt32
        var scalar: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(lead & 0x07)
        default: throw fail("invalid UTF-8", at: offset)
        }
        guard offset + length <= bytes.count else { throw fail("invalid UTF-8", at: offset) }
        for i in 1..<length {
            let c = bytes[offset + i]
            guard c & 0xC0 == 0x80 else { throw fail("invalid UTF-8", at: offset) }
            scalar = scalar << 6 | UInt32(c & 0x3F)
        }
        guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
            throw fail("invalid UTF-8", at: offset)
        }
        minimum = 0
        return length
    }
}
