import Trace

/// An amount of money in US dollars, held exactly as a whole number of picodollars
/// (10⁻¹² USD), so that prices with up to six decimals per million tokens multiply and add
/// without rounding, and the same tokens always cost the same digits.
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 10⁻¹² USD.
    public var picodollars: Int64

    public init(picodollars: Int64) { self.picodollars = picodollars }

    public static let zero = Money(picodollars: 0)

    /// The sum, held at `Int64`'s bounds (about ±9.2 million dollars) rather than wrapping or
    /// trapping: a log may claim any number of tokens.
    public static func + (a: Money, b: Money) -> Money { Money(picodollars: a.picodollars.saturatingAdd(b.picodollars)) }
    public static func += (a: inout Money, b: Money) { a = a + b }
    public static func < (a: Money, b: Money) -> Bool { a.picodollars < b.picodollars }

    /// The amount in dollars with `decimals` digits after the point, rounded half up:
    /// `0.012345` for `decimals: 6`.
    public func dollars(decimals: Int) -> String {
        precondition((0...12).contains(decimals))
        var unit: Int64 = 1
        for _ in 0..<(12 - decimals) { unit *= 10 }
        let negative = picodollars < 0
        // In UInt64: the magnitude of Int64.min and the rounding of Int64.max fit there.
        let magnitude = picodollars.magnitude
        let rounded = (magnitude + UInt64(unit / 2)) / UInt64(unit)
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let whole = String(rounded / scale)
        var text = (negative ? "-" : "") + whole
        if decimals > 0 {
            let fraction = String(rounded % scale)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }

    /// For people: `$1.23` from a dollar up, `$0.0123` below, `<$0.0001` for a non-zero
    /// amount that rounds to nothing.
    public var description: String {
        if picodollars >= 1_000_000_000_000 { return "$" + dollars(decimals: 2) }
        if picodollars > 0 && picodollars < 50_000_000 { return "<$0.0001" }
        return "$" + dollars(decimals: 4)
    }
}
