/// Writes `JSON` compactly and canonically: no white space, members in the order given,
/// strings escaped the same way every time (only `"`, `\` and control characters; all other
/// characters written as UTF-8), numbers as their kept text.
public enum JSONWriter {
    public static func write(_ value: JSON, into out: inout [UInt8]) {
        emit(value, into: &out)
    }

    /// `write` into any `JSONOutput` (an array, or the trace writer's `ByteBuffer`).
    static func emit<Out: JSONOutput>(_ value: JSON, into out: inout Out) {
        switch value {
        case .null: out.append(literal: "null")
        case .bool(let b): out.append(literal: b ? "true" : "false")
        case .number(let text): writeRaw(text, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for i in elements.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                emit(elements[i], into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            write(members, into: &out)
        }
    }

    /// Writes members as a JSON object, in the order given.
    static func write<Out: JSONOutput>(_ members: [(String, JSON)], into out: inout Out) {
        out.append(UInt8(ascii: "{"))
        for i in members.indices {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            writeString(members[i].0, into: &out)
            out.append(UInt8(ascii: ":"))
            emit(members[i].1, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Writes `text`'s UTF-8 as it is (a number's kept text).
    static func writeRaw<Out: JSONOutput>(_ text: String, into out: inout Out) {
        if let done: Void = text.utf8.withContiguousStorageIfAvailable({ out.append($0) }) { return done }
        var text = text
        text.withUTF8 { out.append($0) }
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

    static func writeString<Out: JSONOutput>(_ s: String, into out: inout Out) {
        // A native string's bytes are borrowed in place; a bridged or shared one is copied.
        if let done: Void = s.utf8.withContiguousStorageIfAvailable({ out.appendString($0) }) { return done }
        var s = s
        s.withUTF8 { out.appendString($0) }
    }

    /// Writes UTF-8 `bytes` as a JSON string into an array. Without anything to escape, in one
    /// copy; with escapes, the escaped length is counted first and the string written into
    /// that room, so the many short runs between escapes (source code: a `\n` every line) cost
    /// no append each.
    static func writeString(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let n = bytes.count
        let first = JSONStringScan.firstSpecial(bytes, from: 0, to: n)
        out.append(UInt8(ascii: "\""))
        guard first < n else {
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "\""))
            return
        }
        var length = n + 1
        var i = first
        while i < n {
            length += escapedLength(bytes[i]) - 1
            i = JSONStringScan.firstSpecial(bytes, from: i + 1, to: n)
        }
        // Make the room: the raw bytes (one copy, soon overwritten) and a few more.
        let start = out.count
        out.append(contentsOf: bytes)
        out.append(contentsOf: repeatElement(0, count: length - n))
        out.withUnsafeMutableBufferPointer { buffer in
            let end = writeEscaped(bytes, from: first, to: buffer.baseAddress! + start)
            end.pointee = UInt8(ascii: "\"")
        }
    }

    /// Writes `bytes` escaped at `p` (room checked by the caller), given the offset of the
    /// first byte that needs an escape; returns where the writing ended.
    @inline(__always)
    static func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>, from first: Int, to p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let n = bytes.count
        var o = p
        var run = 0
        var i = first
        while true {
            if i > run {
                o.update(from: bytes.baseAddress! + run, count: i - run)
                o += i - run
            }
            guard i < n else { break }
            o += writeEscaped(bytes[i], to: o)
            run = i + 1
            i = JSONStringScan.firstSpecial(bytes, from: run, to: n)
        }
        return o
    }

    /// The length of the escape written for a byte that needs one.
    @inline(__always)
    static func escapedLength(_ b: UInt8) -> Int {
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x0D, 0x09, 0x08, 0x0C: return 2
        default: return 6
        }
    }

    /// Writes the escape of `b` at `p` (`\n`, `\"`, … or `\u00XX`, lower-case); returns its length.
    @inline(__always)
    static func writeEscaped(_ b: UInt8, to p: UnsafeMutablePointer<UInt8>) -> Int {
        p[0] = 0x5C
        switch b {
        case UInt8(ascii: "\""): p[1] = 0x22
        case UInt8(ascii: "\\"): p[1] = 0x5C
        case 0x0A: p[1] = UInt8(ascii: "n")
        case 0x0D: p[1] = UInt8(ascii: "r")
        case 0x09: p[1] = UInt8(ascii: "t")
        case 0x08: p[1] = UInt8(ascii: "b")
        case 0x0C: p[1] = UInt8(ascii: "f")
        default:
            p[1] = UInt8(ascii: "u")
            p[2] = 0x30
            p[3] = 0x30
            p[4] = hexDigit(b >> 4)
            p[5] = hexDigit(b & 0xF)
            return 6
        }
        return 2
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
