import Trace

/// What one model charges, in picodollars per token (the table writes dollars per million
/// tokens: $3 per million is 3,000,000 picodollars per token), for each kind of token a
/// trace counts.
public struct Price: Sendable, Equatable {
    public var input: Int64
    public var output: Int64
    public var cacheRead: Int64
    /// Cache writes at the standard (Anthropic: five-minute) rate.
    public var cacheWrite: Int64
    /// Cache writes kept an hour (Anthropic's `ephemeral_1h`), where they cost more.
    public var cacheWrite1h: Int64
    /// The long-context tier: a call whose prompt is above `above` tokens pays these prices
    /// for all its tokens (Anthropic's and Google's 200k, OpenAI's 272k).
    public var longContext: LongContext?

    /// The prices of a call whose prompt is long.
    public struct LongContext: Sendable, Equatable {
        /// Prompt tokens (input, cache read and cache write) above which the tier applies.
        public var above: Int64
        public var input: Int64
        public var output: Int64
        public var cacheRead: Int64
        public var cacheWrite: Int64
        public var cacheWrite1h: Int64

        public init(above: Int64, input: Int64, output: Int64, cacheRead: Int64, cacheWrite: Int64, cacheWrite1h: Int64) {
            self.above = above
            self.input = input
            self.output = output
            self.cacheRead = cacheRead
            self.cacheWrite = cacheWrite
            self.cacheWrite1h = cacheWrite1h
        }
    }

    public init(input: Int64, output: Int64, cacheRead: Int64, cacheWrite: Int64, cacheWrite1h: Int64? = nil, longContext: LongContext? = nil) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.cacheWrite1h = cacheWrite1h ?? cacheWrite
        self.longContext = longContext
    }

    /// The cost of one model call's `usage` at this price; `extraOutput` are output tokens the
    /// usage keeps apart (Gemini's thoughts, billed as output), `hourWrites` the part of its
    /// cache writes kept an hour. The long-context tier applies when the call's prompt is
    /// above its threshold; so a sum of calls' usages must be priced call by call.
    public func cost(of usage: Usage, extraOutput: Int64 = 0, hourWrites: Int64 = 0) -> Money {
        let prompt = usage.inputTokens.saturatingAdd(usage.cacheReadTokens).saturatingAdd(usage.cacheCreationTokens)
        var rates = (input, output, cacheRead, cacheWrite, cacheWrite1h)
        if let tier = longContext, prompt > tier.above {
            rates = (tier.input, tier.output, tier.cacheRead, tier.cacheWrite, tier.cacheWrite1h)
        }
        let hour = min(max(hourWrites, 0), usage.cacheCreationTokens)
        // Saturating: a log may claim any number of tokens (docs/security.md, "Limits").
        return Money(
            picodollars: usage.inputTokens.saturatingMultiply(rates.0)
                .saturatingAdd(usage.outputTokens.saturatingAdd(extraOutput).saturatingMultiply(rates.1))
                .saturatingAdd(usage.cacheReadTokens.saturatingMultiply(rates.2))
                .saturatingAdd((usage.cacheCreationTokens - hour).saturatingMultiply(rates.3))
                .saturatingAdd(hour.saturatingMultiply(rates.4)))
    }

    /// Parses dollars per million tokens written as a decimal (`3`, `0.075`, at most six
    /// decimals, not negative) into picodollars per token; nil when it is not one.
    public static func perToken(dollarsPerMillion text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.count <= 9,
            whole.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 6, fraction.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !fraction.isEmpty else { return nil }
        fraction += String(repeating: "0", count: 6 - fraction.count)
        guard let w = Int64(whole), let f = Int64(fraction) else { return nil }
        return w * 1_000_000 + f
    }

    /// Parses dollars per token as LiteLLM writes them (`3e-06`, `0.000003`, `1.25E-7`) into
    /// picodollars per token, exactly; nil when it is negative, not a number, or not a whole
    /// number of picodollars.
    public static func perToken(dollarsPerToken text: String) -> Int64? {
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let x = Int(text[text.index(after: e)...].drop { $0 == "+" }), abs(x) < 40 else { return nil }
            exponent = x
            mantissa = text[..<e]
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty || parts.count == 2 else { return nil }
        let whole = parts[0], fraction = parts.count == 2 ? parts[1] : ""
        guard (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber }), !(whole + fraction).isEmpty else { return nil }
        // value = digits × 10^(exponent − fraction digits); picodollars = value × 10^12.
        var digits = String(whole + fraction).drop { $0 == "0" }
        var scale = exponent - fraction.count + 12
        while scale < 0, digits.last == "0" {
            digits = digits.dropLast()
            scale += 1
        }
        if digits.isEmpty { return 0 }
        guard scale >= 0, digits.count + scale <= 18, let n = Int64(digits) else { return nil }
        var result = n
        for _ in 0..<scale { result *= 10 }
        return result
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
