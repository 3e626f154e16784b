import Foundation
import Insight
import TestSupport
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
        let opus = table.price(of: "claude-opus-4-6")
        XCTAssertNotNil(opus)
        XCTAssertEqual(table.price(of: "claude-opus-4-6-20990101"), opus)
        XCTAssertEqual(table.price(of: "claude-opus-4-6@20990101"), opus)
        XCTAssertEqual(table.price(of: "anthropic/claude-opus-4-6-20990101"), opus)
        XCTAssertEqual(table.price(of: "gpt-4o-2099-08-06"), table.price(of: "gpt-4o"))
        XCTAssertNotEqual(table.price(of: "gpt-4o-mini"), table.price(of: "gpt-4o"))
        // A newer model is not priced like its neighbour: unknown, never guessed.
        XCTAssertNil(table.price(of: "claude-opus-4-99"))
        XCTAssertNil(table.price(of: "gpt-5.99"))
        XCTAssertNil(table.price(of: "my-local-model"))
    }

    /// The models of the logs people have now (the corpus of real sessions and the fixtures):
    /// each has the price LiteLLM gives it, long-context tiers and one-hour writes included.
    func testTheBuiltInTableCoversTheModelsOfRealLogs() {
        let table = PriceTable.builtIn
        func p(_ dollars: String) -> Int64 { Price.perToken(dollarsPerMillion: dollars)! }
        for model in [
            "gpt-5.5", "gpt-5.6-sol", "claude-opus-4-5-20251101", "claude-opus-4-6", "claude-opus-4-8", "claude-sonnet-4-5-20250929",
            "claude-fable-5", "claude-opus-4-20250514", "gpt-5.2-codex", "claude-opus-4-7", "gpt-4o", "gemini-3-flash-preview",
            "gemini-2.5-flash", "gpt-5.4", "gemini-2.5-pro", "gemini-3-pro-preview", "claude-haiku-4-5", "gpt-5.1-codex", "gpt-5",
        ] {
            XCTAssertNotNil(table.price(of: model), model)
        }
        // LiteLLM lists these under no provider with a price: unknown, never $0.
        XCTAssertNil(table.price(of: "gpt-5.3-codex-spark"))
        XCTAssertNil(table.price(of: "mimo-v2.5-free"))
        let opus = table.price(of: "claude-opus-4-6")!
        XCTAssertEqual(
            [opus.input, opus.output, opus.cacheRead, opus.cacheWrite, opus.cacheWrite1h], [p("5"), p("25"), p("0.5"), p("6.25"), p("10")])
        XCTAssertNil(opus.longContext)
        let gpt = table.price(of: "gpt-5.4")!
        XCTAssertEqual(
            gpt.longContext, Price.LongContext(above: 272_000, input: p("5"), output: p("22.5"), cacheRead: p("0.5"), cacheWrite: 0, cacheWrite1h: 0))
        let gemini = table.price(of: "gemini-2.5-pro")!
        XCTAssertEqual(gemini.longContext?.above, 200_000)
        XCTAssertEqual(gemini.longContext?.input, p("2.5"))
        XCTAssertEqual(table.origin, "litellm 1.110.2, sha256 8943af58bf9f979c6a4bef815687117ffa341e462a41faed9be17b5c33d3dcc2")
    }

    func testTheLongContextTierAndHourWritesArePricedCallByCall() {
        func p(_ dollars: String) -> Int64 { Price.perToken(dollarsPerMillion: dollars)! }
        let gpt = PriceTable.builtIn.price(of: "gpt-5.4")!
        let long = Usage(inputTokens: 2_000, outputTokens: 1_000, cacheReadTokens: 300_000)
        XCTAssertEqual(gpt.cost(of: long).dollars(decimals: 6), "0.182500")
        let short = Usage(inputTokens: 2_000, outputTokens: 1_000, cacheReadTokens: 200_000)
        XCTAssertEqual(gpt.cost(of: short).dollars(decimals: 6), "0.070000")
        // At the threshold exactly, still the standard price.
        let edge = Usage(inputTokens: 72_000, outputTokens: 0, cacheReadTokens: 200_000)
        XCTAssertEqual(gpt.cost(of: edge).picodollars, 72_000 * p("2.5") + 200_000 * p("0.25"))
        let sonnet = Price(input: p("3"), output: p("15"), cacheRead: p("0.3"), cacheWrite: p("3.75"), cacheWrite1h: p("6"))
        let usage = Usage(inputTokens: 10, outputTokens: 20, cacheReadTokens: 100, cacheCreationTokens: 1_000)
        XCTAssertEqual(sonnet.cost(of: usage, hourWrites: 400).dollars(decimals: 6), "0.005010")
        XCTAssertEqual(sonnet.cost(of: usage, hourWrites: 5_000), sonnet.cost(of: usage, hourWrites: 1_000), "never more hour writes than writes")
    }

    func testLiteLLMPricesAreReadExactlyFromDollarsPerToken() {
        XCTAssertEqual(Price.perToken(dollarsPerToken: "3e-06"), 3_000_000)
        XCTAssertEqual(Price.perToken(dollarsPerToken: "1.25e-07"), 125_000)
        XCTAssertEqual(Price.perToken(dollarsPerToken: "0.000003"), 3_000_000)
        XCTAssertEqual(Price.perToken(dollarsPerToken: "3.75E-6"), 3_750_000)
        XCTAssertEqual(Price.perToken(dollarsPerToken: "0"), 0)
        XCTAssertEqual(Price.perToken(dollarsPerToken: "1e-12"), 1)
        XCTAssertEqual(Price.perToken(dollarsPerToken: "1e+3"), 1_000_000_000_000_000)
        // Too large for picodollars in 64 bits, or an exponent past any price: refused, no trap.
        for bad in ["-3e-06", "1e-13", "abc", "", "1e", "3e-06.5", "9e30", "1e400", "123456789012345678901", "e5", ".", "1.2.3e-6"] {
            XCTAssertNil(Price.perToken(dollarsPerToken: bad), bad)
        }
    }

    /// An excerpt of the pinned LiteLLM file (fixtures/prices): `--prices` reads it with the
    /// rules the script that generated the built-in table applies, to the same prices.
    func testALiteLLMFileIsReadAsTheScriptReadsIt() throws {
        let path = packageRoot + "/fixtures/prices/litellm-1.110.2-excerpt.json"
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let table = try PriceTable.parse(bytes, name: "excerpt.json")
        XCTAssertGreaterThanOrEqual(table.entries.count, 10)
        for entry in table.entries {
            XCTAssertEqual(entry.price, PriceTable.builtIn.price(of: entry.model), entry.model)
        }
        // The first-party entry wins over a reseller's; a region's Azure price is not taken; a
        // model listed with no price has none.
        XCTAssertEqual(table.price(of: "claude-opus-4-6")?.input, 5_000_000)
        XCTAssertEqual(table.price(of: "gpt-5.4")?.input, 2_500_000)
        XCTAssertEqual(table.price(of: "gemini-3-pro-preview")?.input, 2_000_000)
        XCTAssertEqual(table.price(of: "claude-opus-4-20250514")?.input, 15_000_000)
        XCTAssertNil(table.price(of: "gpt-5.3-codex-spark"))
    }

    func testABadLiteLLMPriceNamesFileLineAndField() {
        let text =
            "{\n\"sample_spec\": {},\n\"m\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\",\n \"input_cost_per_token\": \"cheap\", \"output_cost_per_token\": 1e-06}\n}"
        XCTAssertThrowsError(try PriceTable.parse(Array(text.utf8), name: "l.json")) { error in
            XCTAssertEqual(
                String(describing: error),
                "l.json:3: m.input_cost_per_token: \"cheap\" is not a price in dollars per token (a number ≥ 0, a whole number of picodollars)")
        }
    }

    func testTheBuiltInTableParsesAndNamesEachModelOnce() {
        let table = PriceTable.builtIn
        XCTAssertEqual(table.asOf, "litellm 1.110.2")
        XCTAssertGreaterThan(table.entries.count, 100)
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
        XCTAssertNil(table.price(of: "claude-opus-4-6"), "the file replaces the built-in table")
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
        XCTAssertEqual(
            message(
                "{\n\"schema\": \"agentreplay.prices\",\n\"version\": 1,\n\"models\": [\n{\"model\": \"m\", \"input\": \"3\", \"output\": 1, \"cache_read\": 0, \"cache_write\": 0}]}"
            ),
            "p.json:5: models[0] (m).input: \"3\" is not dollars per million tokens (a plain number ≥ 0 with at most 6 decimals)")
        XCTAssertEqual(
            message("{\"schema\": \"agentreplay.prices\", \"version\": 1, \"models\": [{\"model\": \"m\", \"input\": 1}]}"),
            "p.json:1: models[0] (m).output: missing: dollars per million tokens, e.g. 3 or 0.30")
        XCTAssertEqual(
            message("{\"schema\": \"other\"}"), "p.json:1: schema: not an agentreplay price table (it needs \"schema\": \"agentreplay.prices\")")
        XCTAssertTrue(message("{\n\"schema\": ").hasPrefix("p.json:2: not JSON: "), message("{\n\"schema\": "))
        XCTAssertEqual(
            message("{\"schema\": \"agentreplay.prices\", \"version\": 1, \"currency\": \"EUR\", \"models\": []}"),
            "p.json:1: currency: only \"USD\" is supported")
        let twice =
            "{\"schema\": \"agentreplay.prices\", \"version\": 1, \"models\": ["
            + String(repeating: "{\"model\": \"m\", \"input\": 1, \"output\": 1, \"cache_read\": 0, \"cache_write\": 0},", count: 2).dropLast() + "]}"
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
