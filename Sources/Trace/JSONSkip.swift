extension JSONParser {
    /// The first member named `name` of the object that `text` is, as `(try? parse(text))?[name]`
    /// gives it — nil when `text` is not one JSON value, or not an object, or has no such
    /// member — with the other members' values checked as `parse` checks them but not made: a
    /// member the caller does not look into (a long output beside the exit code it wants)
    /// costs no strings.
    public static func member(_ name: String, ofObjectIn text: String) -> JSON? {
        var text = text
        return text.withUTF8 { buffer -> JSON? in
            var cursor = JSONCursor(bytes: buffer, maximumDepth: defaultMaximumDepth)
            return try? cursor.member(name)
        }
    }
}

/// Reading past a value without making it: the same grammar, nesting bound and string checks
/// as `parseValue`, each value accepted or refused as it would be.
extension JSONCursor {
    /// The first member named `name` of the object that the bytes are (nil when they are
    /// another value or it has no such member); throws where `parseValue` would.
    mutating func member(_ name: String) throws(JSONParser.Error) -> JSON? {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        // As `parseObject(depth: 1)`, the value of `name` made, the others skipped.
        let depth = 1
        var found: JSON?
        if try !open(depth: depth, object: true) {
            while true {
                try memberName()
                let key = try parseString()
                try memberColon()
                if found == nil && key == name { found = try parseValue(depth: depth) } else { try skipValue(depth: depth) }
                if try !goesOn(object: true) { break }
            }
        }
        skipWhitespace()
        if index != bytes.count { throw fail("unexpected data after the JSON value") }
        return found
    }

    /// Moves past the value at the cursor, throwing where `parseValue(depth:)` would.
    mutating func skipValue(depth: Int) throws(JSONParser.Error) {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try skipObject(depth: depth + 1)
        case UInt8(ascii: "["): try skipArray(depth: depth + 1)
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default:
            throw fail("unexpected character \(describe(bytes[index]))")
        }
    }

    mutating func skipObject(depth: Int) throws(JSONParser.Error) {
        if try open(depth: depth, object: true) { return }
        while true {
            try memberName()
            try skipString()
            try memberColon()
            try skipValue(depth: depth)
            if try !goesOn(object: true) { return }
        }
    }

    mutating func skipArray(depth: Int) throws(JSONParser.Error) {
        if try open(depth: depth, object: false) { return }
        while true {
            skipWhitespace()
            try skipValue(depth: depth)
            if try !goesOn(object: false) { return }
        }
    }

    /// Moves past the string whose opening quote is at the cursor, accepting what
    /// `parseStringCarefully` accepts: no control character, each escape whole (a `\u` high
    /// surrogate followed by an escaped low one), the bytes between the quotes valid UTF-8
    /// (an escape is ASCII and stands for whole characters, so checking the raw bytes checks
    /// what they stand for).
    mutating func skipString() throws(JSONParser.Error) {
        let quote = index
        index += 1
        var ascii = true
        while true {
            let run = index
            index = JSONStringScan.firstSpecial(bytes, from: index, to: bytes.count)
            if ascii && !JSONCursor.isASCII(UnsafeBufferPointer(rebasing: bytes[run..<index])) { ascii = false }
            guard index < bytes.count else { throw fail("unterminated string", at: quote) }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { break }
            if b < 0x20 { throw fail("control character in a string") }
            index += 1
            guard index < bytes.count else { throw fail("unterminated string", at: quote) }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                UInt8(ascii: "r"), UInt8(ascii: "t"):
                continue
            case UInt8(ascii: "u"):
                _ = try unicodeEscape()
            default:
                throw fail("invalid escape in a string", at: index - 2)
            }
        }
        let end = index
        index += 1
        if !ascii {
            var i = quote + 1
            while i < end {
                if bytes[i] < 0x80 { i += 1; continue }
                i += try validateUTF8Sequence(at: i)
            }
        }
    }
}
