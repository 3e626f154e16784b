import Insight
import Trace
import XCTest

final class MoneyAndPriceTests: XCTestCase {
    func testDollarsRoundHalfUpFromPicodollars() {
        XCTAssertEqual(Money(picodollars: 360_000_000).dollars(decimals: 6), "0.000360")
        XCTAssertEqual(Money(picodollars: 12_345_500_000).dollars(decimals: 4), "0.0123")
        XCTAssertEqual(Money(picodollars: 12_350_000_000).dollars(decimals: 4), "0.0124")
        XCTAssertEqual(Money(picodollars: 19_654_321_000_000).dollars(decimals: 2), "19.65")
        XCTAssertEqual(Money(picodollars: 0).dollars(decimals: 6), "0.000000")
    }

    func testDescriptionForPeople() {
        XCTAssertEqual(Money(picodollars: 19_654_321_000_000).description, "$19.65")
        XCTAssertEqual(Money(picodollars: 290_700_000_000).description, "$0.2907")
        XCTAssertEqual(Money(picodollars: 1).description, "<$0.0001")
        XCTAssertEqual(Money.zero.description, "$0.0000")
    }

    func testPricesAreReadExactlyAsDecimals() {
        XCTAssertEqual(Price.perToken(dollarsPerMillion: "3"), 3_000_000)
        XCTAssertEqual(Price.perToken(dollarsPerMillion: "0.075"), 75_000)
        XCTAssertEqual(Price.perToken(dollarsPerMillion: "18.75"), 18_750_000)
        XCTAssertEqual(Price.perToken(dollarsPerMillion: "0.000001"), 1)
        for bad in ["-1", "1e3", "0.0000001", ".5", "5.", "", "1.2.3", "0x10"] {
            XCTAssertNil(Price.perToken(dollarsPerMillion: bad), bad)
        }
        XCTAssertEqual(Price.dollarsPerMillion(75_000), "0.075")
        XCTAssertEqual(Price.dollarsPerMillion(15_000_000), "15")
    }

    func testCostIsTokensTimesPriceForEachKind() {
        let sonnet = PriceTable.builtIn.price(of: "claude-sonnet-4-5")!
        let usage = Usage(inputTokens: 10, outputTokens: 20, cacheReadTokens: 100, cacheCreationTokens: 1000)
        // 10×$3 + 20×$15 + 100×$0.30 + 1000×$3.75, per million tokens.
        XCTAssertEqual(sonnet.cost(of: usage), Money(picodollars: 10 * 3_000_000 + 20 * 15_000_000 + 100 * 300_000 + 1000 * 3_750_000))
        XCTAssertEqual(sonnet.cost(of: usage, extraOutput: 5).picodollars - sonnet.cost(of: usage).picodollars, 5 * 15_000_000)
    }

    func testModelNamesMatchExactlyOrWithASnapshotSuffixOnly() {
        let table = PriceTable.builtIn
        let opus4 = table.price(of: "claude-opus-4")
        XCTAssertNotNil(opus4)
        XCTAssertEqual(table.price(of: "claude-opus-4-20250514"), opus4)
        XCTAssertEqual(table.price(of: "claude-opus-4@20250514"), opus4)
        XCTAssertEqual(table.price(of: "anthropic/claude-opus-4-20250514"), opus4)
        XCTAssertEqual(table.price(of: "gpt-4o-2024-08-06"), table.price(of: "gpt-4o"))
        XCTAssertEqual(table.price(of: "gpt-4o-mini-2024-07-18"), table.price(of: "gpt-4o-mini"))
        XCTAssertNotEqual(table.price(of: "gpt-4o-mini"), table.price(of: "gpt-4o"))
        // A newer model is not priced like its neighbour: unknown, never guessed.
        XCTAssertNil(table.price(of: "claude-opus-4-6"))
        XCTAssertNil(table.price(of: "gpt-5.5"))
        XCTAssertNil(table.price(of: "my-local-model"))
    }

    func testTheBuiltInTableParsesAndNamesEachModelOnce() {
        let table = PriceTable.builtIn
        XCTAssertEqual(table.asOf, "2025-11")
        XCTAssertGreaterThan(table.entries.count, 10)
        XCTAssertEqual(Set(table.entries.map(\.model)).count, table.entries.count)
        XCTAssertTrue(table.source.hasPrefix("built-in prices"))
    }

    func testAPriceFileReplacesTheTable() throws {
        let text = """
        {"schema": "agentreplay.prices", "version": 1, "currency": "USD",
         "models": [{"model": "my-model", "input": 1, "output": 2, "cache_read": 0.1, "cache_write": 0}]}
        """
        let table = try PriceTable.parse(Array(text.utf8), name: "mine.json")
        XCTAssertEqual(table.price(of: "my-model"), Price(input: 1_000_000, output: 2_000_000, cacheRead: 100_000, cacheWrite: 0))
        XCTAssertNil(table.price(of: "claude-opus-4"), "the file replaces the built-in table")
    }

    func testBadPriceFilesNameFileLineAndField() {
        func message(_ text: String) -> String {
            do {
                _ = try PriceTable.parse(Array(text.utf8), name: "p.json")
                return "parsed"
            } catch {
                return error.description
            }
        }
        XCTAssertEqual(message("{\n\"schema\": \"agentreplay.prices\",\n\"version\": 1,\n\"models\": [\n{\"model\": \"m\", \"input\": \"3\", \"output\": 1, \"cache_read\": 0, \"cache_write\": 0}]}"),
                       "p.json:5: models[0] (m).input: \"3\" is not dollars per million tokens (a plain number ≥ 0 with at most 6 decimals)")
        XCTAssertEqual(message("{\"schema\": \"agentreplay.prices\", \"version\": 1, \"models\": [{\"model\": \"m\", \"input\": 1}]}"),
                       "p.json:1: models[0] (m).output: missing: dollars per million tokens, e.g. 3 or 0.30")
        XCTAssertEqual(message("{\"schema\": \"other\"}"), "p.json:1: schema: not an agentreplay price table (it needs \"schema\": \"agentreplay.prices\")")
        XCTAssertTrue(message("{\n\"schema\": ").hasPrefix("p.json:2: not JSON: "), message("{\n\"schema\": "))
        XCTAssertEqual(message("{\"schema\": \"agentreplay.prices\", \"version\": 1, \"currency\": \"EUR\", \"models\": []}"),
                       "p.json:1: currency: only \"USD\" is supported")
        let twice = "{\"schema\": \"agentreplay.prices\", \"version\": 1, \"models\": [" + String(repeating: "{\"model\": \"m\", \"input\": 1, \"output\": 1, \"cache_read\": 0, \"cache_write\": 0},", count: 2).dropLast() + "]}"
        XCTAssertEqual(message(twice), "p.json:1: models[1].model: m is listed twice")
    }

    /// A log may claim any number of tokens: cost and sums hold at Int64's bounds, and the
    /// extremes print (issue 19: these trapped).
    func testCostsOfAnyTokenCountHoldAtTheBounds() {
        let price = Price(input: 3_000_000, output: 15_000_000, cacheRead: 300_000, cacheWrite: 3_750_000)
        let usage = Usage(inputTokens: .max, outputTokens: .max, cacheReadTokens: .max, cacheCreationTokens: .max)
        XCTAssertEqual(price.cost(of: usage, extraOutput: .max), Money(picodollars: .max))
        XCTAssertEqual(Money(picodollars: .max) + Money(picodollars: 1), Money(picodollars: .max))
        XCTAssertEqual(Money(picodollars: .min) + Money(picodollars: -1), Money(picodollars: .min))
        XCTAssertEqual(Money(picodollars: .min).dollars(decimals: 2), "-9223372.04")
        XCTAssertEqual(Money(picodollars: .max).description, "$9223372.04")
        XCTAssertEqual(TimeText.count(.min), "-9,223,372,036,854,775,808")
        let a = Timestamp(seconds: 0), b = Timestamp(seconds: .max)
        XCTAssertEqual(TimeText.milliseconds(from: a, to: b), .max)
        XCTAssertEqual(TimeText.milliseconds(from: b, to: Timestamp(seconds: .min)), .min)
    }
}
