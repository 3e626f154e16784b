import Trace

/// Prices per model: what each kind of token costs. The built-in table is
/// `DefaultPrices.json` (in `DefaultPrices.swift`); `--prices FILE` replaces it with a file of
/// the same format (`docs/cost.md`).
///
/// A model name from a trace is looked up with any provider prefix (`anthropic/`,
/// `openai/`, everything up to the last `/`) taken off: first as it is, then without a
/// snapshot suffix (`-20250514`, `-2024-08-06`, `@20250514`, `-latest`). Nothing else: a
/// model the table does not name has no price, and its cost is unknown, never guessed from a
/// neighbour (`claude-opus-4-6` is not `claude-opus-4`).
public struct PriceTable: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var model: String
        public var price: Price
        public init(model: String, price: Price) {
            self.model = model
            self.price = price
        }
    }

    /// Where the table came from, for people: `built-in (as of 2025-11)` or the file name.
    public var source: String
    /// The date the prices were read from the providers' price lists, when the table says.
    public var asOf: String?
    public var entries: [Entry]

    public init(source: String, asOf: String? = nil, entries: [Entry]) {
        self.source = source
        self.asOf = asOf
        self.entries = entries
    }

    /// The price of `model`, or nil when the table does not name it.
    public func price(of model: String) -> Price? {
        let name = String(model.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
        for candidate in [name, Self.withoutSnapshot(name)].compactMap({ $0 }) {
            if let entry = entries.first(where: { $0.model == candidate }) { return entry.price }
        }
        return nil
    }

    /// `name` without a trailing snapshot date or `-latest`, or nil when it has none.
    static func withoutSnapshot(_ name: String) -> String? {
        let chars = Array(name)
        func digits(_ range: Range<Int>) -> Bool { range.allSatisfy { chars[$0].isASCII && chars[$0].isNumber } }
        let n = chars.count
        if name.hasSuffix("-latest") { return String(name.dropLast(7)) }
        // -YYYYMMDD or @YYYYMMDD
        if n > 9, chars[n - 9] == "-" || chars[n - 9] == "@", digits(n - 8..<n) { return String(chars[..<(n - 9)]) }
        // -YYYY-MM-DD
        if n > 11, chars[n - 11] == "-", digits(n - 10..<n - 6), chars[n - 6] == "-", digits(n - 5..<n - 3),
           chars[n - 3] == "-", digits(n - 2..<n) {
            return String(chars[..<(n - 11)])
        }
        return nil
    }

    /// A price file that cannot be used: the message names the file, the line and the field.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static let schema = "agentreplay.prices"
    public static let version: Int64 = 1

    /// Reads a price file (`docs/cost.md`); `name` is how messages name it.
    public static func parse(_ bytes: [UInt8], name: String) throws(Failure) -> PriceTable {
        let value: JSON
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw Failure(description: "\(name):\(line(ofOffset: error.offset, in: bytes)): not JSON: \(error.reason)")
        }
        func fail(_ field: String, _ message: String, near needle: String? = nil) -> Failure {
            let at = needle.flatMap { line(of: $0, in: bytes) }.map { ":\($0)" } ?? ""
            return Failure(description: "\(name)\(at): \(field): \(message)")
        }
        guard value["schema"]?.stringValue == schema else {
            throw fail("schema", "not an agentreplay price table (it needs \"schema\": \"\(schema)\")", near: "\"schema\"")
        }
        guard value["version"]?.intValue == version else {
            throw fail("version", "unsupported; this agentreplay reads version \(version)", near: "\"version\"")
        }
        if let currency = value["currency"], currency.stringValue != "USD" {
            throw fail("currency", "only \"USD\" is supported", near: "\"currency\"")
        }
        let asOf = value["as_of"]?.stringValue
        guard let models = value["models"]?.arrayValue else {
            throw fail("models", "missing, or not an array of {\"model\", \"input\", \"output\", \"cache_read\", \"cache_write\"}", near: "\"models\"")
        }
        var entries: [Entry] = []
        for (i, item) in models.enumerated() {
            guard let model = item["model"]?.stringValue, !model.isEmpty else {
                throw fail("models[\(i)].model", "missing or not a non-empty string", near: "\"models\"")
            }
            var prices: [Int64] = []
            for field in ["input", "output", "cache_read", "cache_write"] {
                let where_ = "models[\(i)] (\(model)).\(field)"
                guard let member = item[field] else { throw fail(where_, "missing: dollars per million tokens, e.g. 3 or 0.30", near: "\"\(model)\"") }
                guard case .number(let text) = member, let perToken = Price.perToken(dollarsPerMillion: text) else {
                    throw fail(where_, "\(JSONWriter.string(member)) is not dollars per million tokens (a plain number ≥ 0 with at most 6 decimals)", near: "\"\(model)\"")
                }
                prices.append(perToken)
            }
            if entries.contains(where: { $0.model == model }) {
                throw fail("models[\(i)].model", "\(model) is listed twice", near: "\"\(model)\"")
            }
            entries.append(Entry(model: model, price: Price(input: prices[0], output: prices[1], cacheRead: prices[2], cacheWrite: prices[3])))
        }
        return PriceTable(source: name, asOf: asOf, entries: entries)
    }

    /// The 1-based line holding byte `offset`.
    static func line(ofOffset offset: Int, in bytes: [UInt8]) -> Int {
        1 + bytes.prefix(max(0, min(offset, bytes.count))).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    /// The 1-based line of the first occurrence of `needle`.
    static func line(of needle: String, in bytes: [UInt8]) -> Int? {
        let n = Array(needle.utf8)
        guard !n.isEmpty, bytes.count >= n.count else { return nil }
        for i in 0...(bytes.count - n.count) where bytes[i] == n[0] && Array(bytes[i..<i + n.count]) == n {
            return line(ofOffset: i, in: bytes)
        }
        return nil
    }

    /// The built-in table (`DefaultPrices.swift`).
    public static let builtIn: PriceTable = {
        do {
            var table = try parse(Array(DefaultPrices.json.utf8), name: "built-in prices")
            table.source = "built-in prices" + (table.asOf.map { " (as of \($0))" } ?? "")
            return table
        } catch {
            fatalError("DefaultPrices.json does not parse: \(error)")  // our own bug: a test reads it
        }
    }()
}
