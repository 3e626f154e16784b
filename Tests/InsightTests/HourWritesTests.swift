import Foundation
import Git
import Importers
import Insight
import Replay
import TestSupport
import Trace
import XCTest

/// Claude Code's one-hour cache writes (`usage.cache_creation.ephemeral_1h_input_tokens`) are
/// kept on import and priced at their own rate.
final class HourWritesTests: XCTestCase {
    func testTheExamplesHourWritesArePricedAtTheHourRate() throws {
        let repo = try makeTemporaryDirectory(self, "hour") + "/calc"
        let made = try Subprocess.run("/usr/bin/env", ["bash", packageRoot + "/fixtures/example/make-repo.sh", repo], in: packageRoot)
        XCTAssertEqual(made.status, 0, made.stderrText)
        let fixture = try SessionFixture(self, files: [:], log: packageRoot + "/fixtures/example/session.jsonl", repository: repo)
        let first = try XCTUnwrap(fixture.trace.spans.first { $0.kind == .llm })
        XCTAssertEqual(first.attributes[GenAI.cacheCreationHourTokens]?.intValue, 9_812, "the log's ephemeral_1h_input_tokens")
        let turn = fixture.session.modelTurns[0]
        let price = try XCTUnwrap(PriceTable.builtIn.price(of: "claude-opus-4-6"))
        XCTAssertEqual(turn.cost, price.cost(of: turn.usage, hourWrites: 9_812))
        XCTAssertNotEqual(turn.cost, price.cost(of: turn.usage), "the hour rate ($10) is not the five-minute one ($6.25)")
    }
}
