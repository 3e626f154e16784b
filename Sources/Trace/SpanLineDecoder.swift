#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a native span line straight from its bytes: each member the format knows goes into
/// the span's field as it is read, with no `JSON` object made for the line and no string
/// made for its member names.
///
/// It takes the common road only. A line it cannot read with certainty — bad JSON, a member
/// twice, a field of another type, `null` for an absent field, attributes out of order, any
/// check of `NativeFormat.decodeSpan` that fails — gives nil, and the caller reads the line
/// the reference way (`JSONParser`, then `NativeFormat.decodeSpan`), which gives the span
/// or the error message. So the two roads cannot disagree on a message, and where this one
/// answers it gives the span the reference gives (tests and the `native` fuzz target check
/// that on every input they try).
public struct SpanLineDecoder {
    /// Attribute names and times of the lines before, shared instead of made again.
    private var names = RecentStrings<NativeFormat.AttributeType?>()
    private var times: (Timestamp?, Timestamp?)

    public init() {}

    /// The span on `line`, or nil when the line is to be read the reference way.
    public mutating func decode(_ line: UnsafeBufferPointer<UInt8>) -> Span? {
        var cursor = JSONCursor(bytes: line, maximumDepth: JSONParser.defaultMaximumDepth)
        do {
            guard let fields = try Fields(reading: &cursor, names: &names, times: &times) else { return nil }
            return fields.span()
        } catch {
            return nil
        }
    }

    /// The span on `line` read by a decoder of its own (nothing recalled from other lines).
    public static func decode(_ line: UnsafeBufferPointer<UInt8>) -> Span? {
        var decoder = SpanLineDecoder()
        return decoder.decode(line)
    }

    /// The span members of the native format, each a bit of `Fields.seen`.
    private enum Member: UInt16 {
        case spanID = 1, parentSpanID = 2, kind = 4, name = 8, startTime = 16, endTime = 32, status = 64
        case attributes = 128, input = 256, output = 512, details = 1024, effects = 2048, recordedTree = 4096

        /// The member named by `bytes` (the name as written, between its quotes), if any.
        init?(_ bytes: UnsafeBufferPointer<UInt8>) {
            func named(_ text: StaticString) -> Bool {
                text.utf8CodeUnitCount == bytes.count && memcmp(text.utf8Start, bytes.baseAddress!, bytes.count) == 0
            }
            guard !bytes.isEmpty else { return nil }
            switch bytes[0] {
            case UInt8(ascii: "s"):
                if named("span_id") {
                    self = .spanID
                } else if named("start_time") {
                    self = .startTime
                } else if named("status") {
                    self = .status
                } else {
                    return nil
                }
            case UInt8(ascii: "p"): if named("parent_span_id") { self = .parentSpanID } else { return nil }
            case UInt8(ascii: "k"): if named("kind") { self = .kind } else { return nil }
            case UInt8(ascii: "n"): if named("name") { self = .name } else { return nil }
            case UInt8(ascii: "e"):
                if named("end_time") { self = .endTime } else if named("effects") { self = .effects } else { return nil }
            case UInt8(ascii: "a"): if named("attributes") { self = .attributes } else { return nil }
            case UInt8(ascii: "i"): if named("input") { self = .input } else { return nil }
            case UInt8(ascii: "o"): if named("output") { self = .output } else { return nil }
            case UInt8(ascii: "d"): if named("details") { self = .details } else { return nil }
            case UInt8(ascii: "r"): if named("recorded_tree") { self = .recordedTree } else { return nil }
            default: return nil
            }
        }
    }

    /// The members of one span line as read, before the checks.
    private struct Fields {
        var seen: UInt16 = 0
        var id: String?
        var parentID: String?
        var kind: String?
        var name: String?
        var startTime: Timestamp?
        var endTime: Timestamp?
        var status: String?
        var attributes: [(String, JSON)] = []
        /// Whether `attributes` holds `gen_ai.tool.name` (its type checked as it was read).
        var hasToolName = false
        var input: JSON?
        var output: JSON?
        var details: JSON?
        var effects: [JSON] = []
        var recordedTree: String?

        /// Reads the line's object, or gives nil when it is not of the common shape. Throws
        /// the parser's errors (bad JSON), which the caller takes as nil too.
        init?(reading c: inout JSONCursor, names: inout RecentStrings<NativeFormat.AttributeType?>, times: inout (Timestamp?, Timestamp?))
            throws(JSONParser.Error)
        {
            c.skipWhitespace()
            guard c.peek(UInt8(ascii: "{")) else { return nil }
            c.index += 1
            c.skipWhitespace()
            if c.peek(UInt8(ascii: "}")) { return nil }
            while true {
                c.skipWhitespace()
                guard c.peek(UInt8(ascii: "\"")) else { return nil }
                let key = try Fields.memberName(&c)
                c.skipWhitespace()
                guard c.peek(UInt8(ascii: ":")) else { return nil }
                c.index += 1
                c.skipWhitespace()
                if case .unusual = key { return nil }
                if case .known(let member) = key {
                    guard seen & member.rawValue == 0 else { return nil }
                    seen |= member.rawValue
                    switch member {
                    case .spanID: guard let s = try c.stringValue() else { return nil }; id = s
                    case .parentSpanID: guard let s = try c.stringValue() else { return nil }; parentID = s
                    case .kind: guard let s = try c.stringValue() else { return nil }; kind = s
                    case .name: guard let s = try c.stringValue() else { return nil }; name = s
                    case .startTime: guard let t = try Fields.time(&c, &times) else { return nil }; startTime = t
                    case .endTime: guard let t = try Fields.time(&c, &times) else { return nil }; endTime = t
                    case .status: guard let s = try c.stringValue() else { return nil }; status = s
                    case .recordedTree: guard let s = try c.stringValue() else { return nil }; recordedTree = s
                    case .attributes: guard try readAttributes(&c, &names) else { return nil }
                    case .input: input = try c.parseValue(depth: 1)
                    case .output: output = try c.parseValue(depth: 1)
                    case .details: details = try c.parseValue(depth: 1)
                    case .effects:
                        guard case .array(let elements) = try c.parseValue(depth: 1) else { return nil }
                        effects = elements
                    }
                } else {
                    _ = try c.parseValue(depth: 1)
                }
                c.skipWhitespace()
                guard c.index < c.bytes.count else { return nil }
                if c.bytes[c.index] == UInt8(ascii: ",") { c.index += 1; continue }
                if c.bytes[c.index] == UInt8(ascii: "}") { c.index += 1; break }
                return nil
            }
            c.skipWhitespace()
            guard c.index == c.bytes.count else { return nil }
        }

        /// The member name at the cursor: `.known` for a member of the format written plainly,
        /// `.other` for any other name (still read as a string, so bad UTF-8 in it fails as
        /// in the reference), `.unusual` for a member of the format spelled with escapes.
        static func memberName(_ c: inout JSONCursor) throws(JSONParser.Error) -> Name {
            let start = c.index + 1
            let end = JSONStringScan.firstSpecial(c.bytes, from: start, to: c.bytes.count)
            if end < c.bytes.count, c.bytes[end] == UInt8(ascii: "\""),
                let member = Member(UnsafeBufferPointer(rebasing: c.bytes[start..<end]))
            {
                c.index = end + 1
                return .known(member)
            }
            var name = try c.parseString()
            return name.withUTF8 { Member($0) } == nil ? .other : .unusual
        }

        enum Name { case known(Member), other, unusual }

        /// The time at the cursor: one of the last two read when its text is theirs, else
        /// parsed; nil when it is not a string or not an RFC 3339 time.
        static func time(_ c: inout JSONCursor, _ times: inout (Timestamp?, Timestamp?)) throws(JSONParser.Error) -> Timestamp? {
            let text: String
            if let raw = c.plainString() {
                if let t = times.0, sameUTF8(t.text, raw) { return t }
                if let t = times.1, sameUTF8(t.text, raw) {
                    times = (t, times.0)
                    return t
                }
                guard let s = JSONCursor.string(raw) else { return nil }
                text = s
            } else {
                guard let s = try c.stringValue() else { return nil }
                text = s
            }
            guard let t = Timestamp(rfc3339: text) else { return nil }
            times = (t, times.0)
            return t
        }

        /// Reads the attributes object into `attributes`; false when it is not an object, its
        /// names are not in strictly increasing byte order (unsorted or repeated: the
        /// reference sorts them or names the repeated one), or a value has the wrong type for
        /// its name (`NativeFormat.stringAttributes`, `.countAttributes`).
        mutating func readAttributes(_ c: inout JSONCursor, _ names: inout RecentStrings<NativeFormat.AttributeType?>) throws(JSONParser.Error)
            -> Bool
        {
            guard c.peek(UInt8(ascii: "{")) else { return false }
            c.index += 1
            c.skipWhitespace()
            if c.peek(UInt8(ascii: "}")) { c.index += 1; return true }
            attributes.reserveCapacity(16)
            while true {
                c.skipWhitespace()
                guard c.peek(UInt8(ascii: "\"")) else { return false }
                let key: String
                let type: NativeFormat.AttributeType?
                if let raw = c.plainString() {
                    guard
                        let (s, t) = names.string(
                            raw,
                            make: { bytes in
                                JSONCursor.string(bytes).map { ($0, NativeFormat.attributeType($0)) }
                            })
                    else { return false }
                    (key, type) = (s, t)
                } else {
                    key = try c.parseString()
                    type = NativeFormat.attributeType(key)
                }
                c.skipWhitespace()
                guard c.peek(UInt8(ascii: ":")) else { return false }
                c.index += 1
                c.skipWhitespace()
                // The attributes object is at depth 2, its values one level in, as the
                // reference parser counts them.
                let value = try c.parseValue(depth: 2)
                if let last = attributes.last, !Attributes.precedes(last.0, key) { return false }
                switch type {
                case .string?:
                    guard value.stringValue != nil else { return false }
                    if NativeFormat.sameBytes(key, GenAI.toolName) { hasToolName = true }
                case .count?:
                    guard value.intValue != nil else { return false }
                case nil:
                    break
                }
                attributes.append((key, value))
                c.skipWhitespace()
                guard c.index < c.bytes.count else { return false }
                if c.bytes[c.index] == UInt8(ascii: ",") { c.index += 1; continue }
                if c.bytes[c.index] == UInt8(ascii: "}") { c.index += 1; return true }
                return false
            }
        }

        /// The span, when every check of `NativeFormat.decodeSpan` passes; else nil.
        consuming func span() -> Span? {
            guard let id, !id.isEmpty, let kindText = kind, let kind = Span.Kind(rawValue: kindText),
                let status = Span.Status(rawValue: status ?? "unset"), let name
            else { return nil }
            if kind == .tool && !hasToolName { return nil }
            var decodedEffects: [Effect] = []
            if !effects.isEmpty {
                guard let e = try? NativeFormat.decodeEffects(effects, file: "", line: 0) else { return nil }
                decodedEffects = e
            }
            if let t = recordedTree, !NativeFormat.isObjectID(t) { return nil }
            return Span(
                id: Span.ID(id), parentID: parentID.map(Span.ID.init), kind: kind, name: name,
                startTime: startTime, endTime: endTime, status: status,
                attributes: Attributes(sortedMembers: attributes),
                input: input, output: output, details: details,
                effects: decodedEffects, recordedTree: recordedTree)
        }
    }
}

extension JSONCursor {
    /// Whether the byte at the cursor is `byte`.
    @inline(__always)
    func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    /// The bytes of the string at the cursor when it has no escape and no control character
    /// (not yet checked as UTF-8), the cursor moved past it; else nil, the cursor not moved.
    mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        guard peek(UInt8(ascii: "\"")) else { return nil }
        let end = JSONStringScan.firstSpecial(bytes, from: index + 1, to: bytes.count)
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        let raw = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end])
        index = end + 1
        return raw
    }

    /// The string at the cursor, or nil (nothing read) when the value there is not a string.
    mutating func stringValue() throws(JSONParser.Error) -> String? {
        guard peek(UInt8(ascii: "\"")) else { return nil }
        return try parseString()
    }
}
