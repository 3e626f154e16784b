import Trace

/// What one model charges, in picodollars per token (the table writes dollars per million
/// tokens: $3 per million is 3,000,000 picodollars per token), for each kind of token a
/// trace counts.
public struct Price: Sendable, Equatable {
    public var input: Int64
    public var output: Int64
    public var cacheRead: Int64
    public var cacheWrite: Int64

    public init(input: Int64, output: Int64, cacheRead: Int64, cacheWrite: Int64) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
    }

    /// The cost of `usage` at this price; `extraOutput` are output tokens the usage keeps
    /// apart (Gemini's thoughts, billed as output).
    public func cost(of usage: Usage, extraOutput: Int64 = 0) -> Money {
        // Saturating: a log may claim any number of tokens (docs/security.md, "Limits").
        Money(picodollars: usage.inputTokens.saturatingMultiply(input)
            .saturatingAdd(usage.outputTokens.saturatingAdd(extraOutput).saturatingMultiply(output))
            .saturatingAdd(usage.cacheReadTokens.saturatingMultiply(cacheRead))
            .saturatingAdd(usage.cacheCreationTokens.saturatingMultiply(cacheWrite)))
    }

    /// Parses dollars per million tokens written as a decimal (`3`, `0.075`, at most six
    /// decimals, not negative) into picodollars per token; nil when it is not one.
    public static func perToken(dollarsPerMillion text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.count <= 9,
              whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 6, fraction.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !fraction.isEmpty else { return nil }
        fraction += String(repeating: "0", count: 6 - fraction.count)
        guard let w = Int64(whole), let f = Int64(fraction) else { return nil }
        return w * 1_000_000 + f
    }

    /// Picodollars per token written back as dollars per million tokens (`0.075`).
    public static func dollarsPerMillion(_ perToken: Int64) -> String {
        let whole = perToken / 1_000_000
        var fraction = String(perToken % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? String(whole) : "\(whole).\(fraction)"
    }
}
