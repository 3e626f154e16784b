/// A JSON value whose objects keep their members in document order.
///
/// Traces are untrusted input and the tool's output must be byte-stable, so the project
/// parses JSON itself: objects stay ordered (no dictionary order can leak into output),
/// nesting depth is bounded, invalid UTF-8 is rejected with the byte offset, and numbers
/// keep their source text so a round trip never changes a digit.
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, kept as the text it was written with (already validated as JSON number syntax).
    case number(String)
    case string(String)
    case array([JSON])
    /// Members in document order. Duplicate keys are kept as written; `self[key]` finds the first.
    case object([(String, JSON)])

    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The value as a whole number, when it is a number written without fraction or exponent
    /// (or with a zero fraction) that fits in Int64.
    public var intValue: Int64? {
        guard case .number(let text) = self else { return nil }
        if let v = Int64(text) { return v }
        if let d = Double(text), d.rounded() == d, abs(d) < 9.0e18 { return Int64(d) }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [(String, JSON)]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A short name of the value's type, for error messages ("a string", "an object", …).
    public var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    public static func number(_ value: Int64) -> JSON { .number(String(value)) }
    public static func number(_ value: Int) -> JSON { .number(String(value)) }
}
