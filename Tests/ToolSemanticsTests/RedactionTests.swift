import XCTest

@testable import ToolSemantics

/// `REDACTED` in a recorded text, as Entire's `redact` package leaves it: a line that holds it
/// agrees with a replayed line when each `REDACTED` stands for a run of one or more bytes
/// without white space and the rest is equal; an edit's old text finds the file's text the
/// same way. The lines are from real transcripts of the corpus (`../shared/corpus`).
final class RedactionTests: XCTestCase {
    func matches(_ recorded: String, _ replayed: String) -> Bool {
        Redaction.lineMatches(recorded: Array(recorded.utf8), replayed: Array(replayed.utf8))
    }

    func testALineAgreesWhenEachMarkerStandsForARunWithoutSpaces() {
        // A test name the entropy rule took (entireio/cli, ckpt 6de70163f7e3).
        XCTAssertTrue(matches("func REDACTED(t *testing.T) {", "func TestExplainCmd_ShowsHelpForPositionalArgWithoutFlag(t *testing.T) {"))
        // An older redactor split a base64 hash at `/` (EntityProcess/agentv, ckpt a392ff332928).
        XCTAssertTrue(
            matches(
                #"    "@opentelemetry/api": ["@opentelemetry/api@1.9.0", "", {}, "REDACTED/0SlA9sxSqZhnUtxzX9/REDACTED"],"#,
                #"    "@opentelemetry/api": ["@opentelemetry/api@1.9.0", "", {}, "sha512-3giAOQvZiH5F9bMlMiv8+GSPMeqg0dbaeo58/0SlA9sxSqZhnUtxzX9/2FzyhS9sWQf5S0GJE0AKBrFqjpeYcg=="],"#
            ))
        XCTAssertTrue(matches("export REDACTED  # required", "export BRAINTRUST_PROJECT=my-project  # required"))
        XCTAssertTrue(matches("REDACTED", "TWILIO_ACCOUNT_SID=AC1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d"))
        // A run may hold any byte but white space (a gitleaks secret merged across `.`).
        XCTAssertTrue(matches("token: REDACTED", "token: eyJhbGciOi.eyJzdWIiOi.SflKxwRJSM"))
    }

    func testALineDiffersWhereTheRestDiffersOrARunWouldNeedSpaces() {
        XCTAssertFalse(matches("func REDACTED(t *testing.T) {", "func TestSomething(t *testing.B) {"))
        XCTAssertFalse(matches("key = REDACTED", "key = two words"))
        XCTAssertFalse(matches("key = REDACTED", "key = "), "a marker stands for one byte or more")
        XCTAssertFalse(matches("a REDACTED b REDACTED c", "a xx b yy b zz c"))
        XCTAssertFalse(matches("prefix REDACTED", "other abcdef"))
        XCTAssertFalse(matches("REDACTED tail", "abc tail and more"))
        // Without the marker, lines are compared byte for byte elsewhere: never a match here.
        XCTAssertFalse(matches("same", "same"))
    }

    func testBacktrackingFindsTheSplitTheRunsAllow() {
        // The run must not stop at the first `)`: only the second ends the line.
        XCTAssertTrue(matches("(REDACTED)", "(a)b)"))
        XCTAssertTrue(matches("REDACTEDREDACTED", "ab"))
    }

    func testAHardPatternGivesUpAsADifference() {
        // Many markers against a long run with no way to end: bounded, and never a match.
        let recorded = String(repeating: "REDACTEDa", count: 40) + "!"
        let replayed = String(repeating: "a", count: 5_000)
        XCTAssertFalse(matches(recorded, replayed))
    }

    func testOccurrencesOfAnOldTextThatHoldsTheMarker() {
        let file = Array("func TestA_Long(t *testing.T) {}\nfunc TestB(t *testing.T) {}\n".utf8)
        let ranges = Redaction.occurrences(of: Array("func REDACTED(t *testing.T) {}".utf8), in: file)
        XCTAssertEqual(ranges?.count, 2)
        XCTAssertEqual(ranges?.first, 0..<32)
        // A marker that ends the text stands for a whole run of the redactor's characters.
        let end = Redaction.occurrences(of: Array("key=REDACTED".utf8), in: Array("key=abc+/=_-9.rest\n".utf8))
        XCTAssertEqual(end, [0..<13])
        // One that starts it begins where such a run does, not inside one.
        let start = Redaction.occurrences(of: Array("REDACTED.call()".utf8), in: Array("x = tokenABC123.call()\n".utf8))
        XCTAssertEqual(start, [4..<22])
        XCTAssertNil(Redaction.occurrences(of: Array("no marker".utf8), in: file))
        XCTAssertEqual(Redaction.occurrences(of: Array("missing REDACTED".utf8), in: file), [])
    }

    func testCounting() {
        XCTAssertEqual(Redaction.count(in: Array("a REDACTED b REDACTEDREDACTED".utf8)), 3)
        XCTAssertTrue(Redaction.holds(Array("xREDACTEDx".utf8)))
        XCTAssertFalse(Redaction.holds(Array("REDACTE D".utf8)))
    }
}
