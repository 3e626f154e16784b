import Trace

/// Each model turn's number and first log line, by its span id: what a tool call that names
/// the turn as its parent is numbered by (its result, and so its span, may come many turns
/// later). It holds one entry per model turn of the reading, the one thing `SessionWriter`
/// keeps that grows with the log; an id of 16 lowercase hexadecimal digits (every importer's,
/// `StableID`) is kept as the 64-bit value it spells, 24 bytes a turn with no allocation of
/// its own, where a `Span.ID` key is a `String` on the heap (docs/performance.md, "Run 14").
struct TurnTable {
    struct Turn: Equatable {
        var number: Int
        var line: Int?
    }

    /// `line` nil is kept as `Int.min`, so an entry is two words.
    private var packed: [UInt64: (number: Int, line: Int)] = [:]
    /// Ids of another form (a native trace's own), as they are.
    private var other: [Span.ID: Turn] = [:]

    subscript(id: Span.ID) -> Turn? {
        get {
            if let key = Self.key(id) {
                return packed[key].map { Turn(number: $0.number, line: $0.line == .min ? nil : $0.line) }
            }
            return other[id]
        }
        set {
            if let key = Self.key(id) {
                packed[key] = newValue.map { ($0.number, $0.line ?? .min) }
            } else {
                other[id] = newValue
            }
        }
    }

    /// Forgets every turn (a reading done).
    mutating func removeAll() {
        packed = [:]
        other = [:]
    }

    /// The value 16 lowercase hexadecimal digits spell; nil for any other id (one value,
    /// one id: no two ids share a key).
    static func key(_ id: Span.ID) -> UInt64? {
        let utf8 = id.rawValue.utf8
        guard utf8.count == 16 else { return nil }
        var v: UInt64 = 0
        for b in utf8 {
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b &- UInt8(ascii: "a") &+ 10
            default: return nil
            }
            v = v << 4 | UInt64(digit)
        }
        return v
    }
}
