import Insight
import Sessions
import Trace
import XCTest

/// The listing's cost comes from tokens per model: exact when no call crossed the price's
/// long-context tier, unknown (never a wrong figure) when one did.
final class SessionCostTests: XCTestCase {
    func summary(prompts: [Int64], model: String = "gpt-5.4") -> SessionSummary {
        let header = Trace.Header(traceID: "t", agentName: "codex", sourceFormat: "codex")
        let spans = prompts.enumerated().map { i, cached in
            Span(
                id: Span.ID("\(i)"), kind: .llm, name: "chat", status: .ok,
                attributes: Attributes([
                    (GenAI.requestModel, .string(model)), (GenAI.inputTokens, .number(1_000)),
                    (GenAI.cacheReadTokens, .number(cached)), (GenAI.outputTokens, .number(100)),
                ]))
        }
        return SessionSummary(trace: Trace(header: header, spans: spans), id: "s", path: "/s.jsonl")
    }

    func testBelowTheTierTheCostIsExact() throws {
        let s = summary(prompts: [100_000, 200_000])
        let (cost, complete) = s.cost(prices: .builtIn)
        XCTAssertTrue(complete)
        let price = try XCTUnwrap(PriceTable.builtIn.price(of: "gpt-5.4"))
        XCTAssertEqual(
            cost,
            price.cost(of: Usage(inputTokens: 1_000, outputTokens: 100, cacheReadTokens: 100_000))
                + price.cost(of: Usage(inputTokens: 1_000, outputTokens: 100, cacheReadTokens: 200_000)))
        XCTAssertEqual(s.models.first?.largestPrompt, 201_000)
    }

    func testACallAboveTheTierMakesTheModelsCostUnknown() {
        let (cost, complete) = summary(prompts: [100_000, 300_000]).cost(prices: .builtIn)
        XCTAssertFalse(complete)
        XCTAssertEqual(cost, .zero)
    }
}
