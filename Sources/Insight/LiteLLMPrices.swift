import Trace

/// LiteLLM's `model_prices_and_context_window.json` read as a `PriceTable`, with the rules
/// `scripts/update-prices` applies when it generates the built-in table (docs/cost.md):
///
/// - a model is an entry with `input_cost_per_token` and `output_cost_per_token` whose `mode`
///   is `chat` or `responses` (or not given); its name is the key after its last `/` (Bedrock
///   only Anthropic's own `anthropic.NAME-v1:0`);
/// - a name several entries give takes the first of Anthropic, OpenAI, Google AI Studio,
///   Vertex AI, Bedrock, then any other provider (keys in order);
/// - `cache_read` is `cache_read_input_token_cost`, else the input price (LiteLLM's own
///   fallback); `cache_write` is `cache_creation_input_token_cost`, else 0; `cache_write_1h`
///   is `cache_creation_input_token_cost_above_1hr`, else the standard write;
/// - the long-context tier is the `*_above_<N>k_tokens` fields, each falling back to the
///   standard price; an entry with more than one such tier is refused.
///
/// Prices are dollars per token in LiteLLM (`3e-06`): each must be a whole number of
/// picodollars per token, or the file is refused naming the key and field.
enum LiteLLMPrices {
    static let providers = ["anthropic", "openai", "gemini", "vertex_ai-language-models", "vertex_ai", "bedrock_converse"]

    /// Whether `value` has LiteLLM's shape: an object of model entries, no `schema`.
    static func looksLikeOne(_ value: JSON) -> Bool {
        guard let members = value.objectValue, value["schema"] == nil else { return false }
        return members.contains { $0.1["litellm_provider"] != nil || $0.1["input_cost_per_token"] != nil }
    }

    static func table(_ value: JSON, bytes: [UInt8], name: String) throws(PriceTable.Failure) -> PriceTable {
        var chosen: [String: (rank: Int, price: Price)] = [:]
        var order: [String] = []
        for (key, entry) in value.objectValue ?? [] where key != "sample_spec" && entry.objectValue != nil {
            guard entry["input_cost_per_token"] != nil, entry["output_cost_per_token"] != nil else { continue }
            if let mode = entry["mode"]?.stringValue, mode != "chat" && mode != "responses" { continue }
            let provider = entry["litellm_provider"]?.stringValue ?? ""
            guard let model = modelName(key, provider: provider) else { continue }
            let rank = providers.firstIndex(of: provider) ?? providers.count
            if let existing = chosen[model], existing.rank <= rank { continue }
            func fail(_ field: String, _ message: String) -> PriceTable.Failure {
                let at = PriceTable.line(of: "\"\(key)\"", in: bytes).map { ":\($0)" } ?? ""
                return PriceTable.Failure(description: "\(name)\(at): \(key).\(field): \(message)")
            }
            let price = try self.price(entry, fail: fail)
            if chosen[model] == nil { order.append(model) }
            chosen[model] = (rank, price)
        }
        let entries = order.sorted().map { PriceTable.Entry(model: $0, price: chosen[$0]!.price) }
        return PriceTable(source: name, asOf: nil, entries: entries, origin: "LiteLLM price table")
    }

    /// The model name a trace records for LiteLLM's `key`, or nil for a key not taken.
    static func modelName(_ key: String, provider: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        switch provider {
        case "bedrock_converse":
            guard parts.count == 1, key.hasPrefix("anthropic.claude-") else { return nil }
            var name = Substring(key.dropFirst("anthropic.".count))
            if let v = name.range(of: "-v", options: .backwards),
                name[v.upperBound...].allSatisfy({ $0.isNumber || $0 == ":" }), !name[v.upperBound...].isEmpty
            {
                name = name[..<v.lowerBound]
            }
            return String(name)
        default:
            return parts.last.map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    static func price(_ entry: JSON, fail: (String, String) -> PriceTable.Failure) throws(PriceTable.Failure) -> Price {
        func read(_ field: String) throws(PriceTable.Failure) -> Int64? {
            guard let member = entry[field] else { return nil }
            guard case .number(let text) = member, let value = Price.perToken(dollarsPerToken: text) else {
                throw fail(field, "\(JSONWriter.string(member)) is not a price in dollars per token (a number ≥ 0, a whole number of picodollars)")
            }
            return value
        }
        guard let input = try read("input_cost_per_token"), let output = try read("output_cost_per_token") else {
            throw fail("input_cost_per_token", "missing")
        }
        let cacheRead = try read("cache_read_input_token_cost") ?? input
        let cacheWrite = try read("cache_creation_input_token_cost") ?? 0
        let recordedHour = try read("cache_creation_input_token_cost_above_1hr")
        let hour = recordedHour ?? cacheWrite
        var thresholds: [Int64] = []
        for (field, _) in entry.objectValue ?? [] {
            let prefix = "input_cost_per_token_above_", suffix = "k_tokens"
            guard field.hasPrefix(prefix), field.hasSuffix(suffix) else { continue }
            let digits = field.dropFirst(prefix.count).dropLast(suffix.count)
            if let n = Int64(digits), n > 0, !thresholds.contains(n) { thresholds.append(n) }
        }
        var tier: Price.LongContext? = nil
        if thresholds.count > 1 {
            throw fail(
                "input_cost_per_token_above_…",
                "more than one long-context tier (\(thresholds.sorted().map { "\($0)k" }.joined(separator: ", "))): not supported")
        }
        if let n = thresholds.first {
            let s = "_above_\(n)k_tokens"
            let write = try read("cache_creation_input_token_cost" + s) ?? cacheWrite
            tier = Price.LongContext(
                above: n * 1000,
                input: try read("input_cost_per_token" + s) ?? input, output: try read("output_cost_per_token" + s) ?? output,
                cacheRead: try read("cache_read_input_token_cost" + s) ?? cacheRead, cacheWrite: write,
                cacheWrite1h: try read("cache_creation_input_token_cost_above_1hr" + s) ?? (recordedHour == nil ? write : hour))
        }
        return Price(input: input, output: output, cacheRead: cacheRead, cacheWrite: cacheWrite, cacheWrite1h: hour, longContext: tier)
    }
}
