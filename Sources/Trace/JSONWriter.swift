/// Writes `JSON` compactly and canonically: no white space, members in the order given,
/// strings escaped the same way every time (only `"`, `\` and control characters; all other
/// characters written as UTF-8), numbers as their kept text.
public enum JSONWriter {
    public static func write(_ value: JSON, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for i in elements.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(elements[i], into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            write(members, into: &out)
        }
    }

    /// Writes members as a JSON object, in the order given.
    static func write(_ members: [(String, JSON)], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for i in members.indices {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            writeString(members[i].0, into: &out)
            out.append(UInt8(ascii: ":"))
            write(members[i].1, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    public static func string(_ value: JSON) -> String {
        var out: [UInt8] = []
        write(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes `value` indented by two spaces per level, for human-facing `--json` output.
    /// `width` spaces per level; `width: 1` gives what JavaScript's `JSON.stringify(v, null, 1)` gives.
    public static func pretty(_ value: JSON, width: Int = 2) -> String {
        var out: [UInt8] = []
        writePretty(value, indent: 0, width: width, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func writePretty(_ value: JSON, indent: Int, width: Int, into out: inout [UInt8]) {
        func newline(_ level: Int) {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * width))
        }
        switch value {
        case .array(let elements) where !elements.isEmpty:
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                writePretty(element, indent: indent + 1, width: width, into: &out)
            }
            newline(indent)
            out.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (i, (key, member)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                writeString(key, into: &out)
                out.append(contentsOf: ": ".utf8)
                writePretty(member, indent: indent + 1, width: width, into: &out)
            }
            newline(indent)
            out.append(UInt8(ascii: "}"))
        default:
            write(value, into: &out)
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        // A native string's bytes are borrowed in place; a bridged or shared one is copied.
        if let done: Void = s.utf8.withContiguousStorageIfAvailable({ writeString($0, into: &out) }) { return done }
        var s = s
        s.withUTF8 { writeString($0, into: &out) }
    }

    /// Writes UTF-8 `bytes` as a JSON string: runs that need no escape copied in one go, the
    /// rest escaped byte by byte.
    static func writeString(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var runStart = 0
        while true {
            let i = JSONStringScan.firstSpecial(bytes, from: runStart, to: bytes.count)
            if i > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            guard i < bytes.count else { break }
            appendEscaped(bytes[i], into: &out)
            runStart = i + 1
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ b: UInt8, into out: inout [UInt8]) {
        // Byte by byte: an array literal here would allocate once per escaped character.
        out.append(0x5C)
        switch b {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        default:
            out.append(UInt8(ascii: "u"))
            out.append(0x30)
            out.append(0x30)
            out.append(hexDigit(b >> 4))
            out.append(hexDigit(b & 0xF))
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
