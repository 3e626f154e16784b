import Trace

/// JSON values as OTLP `AnyValue`s, in the protobuf JSON mapping: strings `stringValue`,
/// whole numbers `intValue` (a string: 64-bit integers are strings in that mapping), other
/// numbers `doubleValue` (written as the trace wrote them), booleans `boolValue`, arrays
/// `arrayValue.values`, objects `kvlistValue.values` (members in order), null an empty
/// AnyValue. The OTLP importer reads each back as the same JSON.
enum AnyValue {
    static func from(_ value: JSON) -> JSON {
        switch value {
        case .null: return .object([])
        case .bool(let b): return .object([("boolValue", .bool(b))])
        case .string(let s): return .object([("stringValue", .string(s))])
        case .number(let text):
            if let n = Int64(text) { return .object([("intValue", .string(String(n)))]) }
            return .object([("doubleValue", .number(text))])
        case .array(let values): return .object([("arrayValue", .object([("values", .array(values.map(from)))]))])
        case .object(let members): return .object([("kvlistValue", .object([("values", .array(members.map(keyValue)))]))])
        }
    }

    /// `{"key": …, "value": AnyValue}`.
    static func keyValue(_ pair: (String, JSON)) -> JSON {
        .object([("key", .string(pair.0)), ("value", from(pair.1))])
    }

    /// An attribute list, in the given order.
    static func attributes(_ pairs: [(String, JSON)]) -> JSON {
        .array(pairs.map(keyValue))
    }
}
