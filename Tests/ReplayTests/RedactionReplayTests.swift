import XCTest

import Replay
import TestSupport
import ToolSemantics
import Trace

/// A log whose keeper replaced secrets (and names that looked like secrets) with `REDACTED`
/// before storing it, as Entire does with every transcript it commits: replay never writes the
/// word as if it were the file's bytes without leaving the step unverified, and never reports
/// a contradiction for a recorded text that differs from the replayed file only where it was
/// redacted.
final class RedactionReplayTests: XCTestCase {
    let secret = "TWILIO_ACCOUNT_SID=AC1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d"

    func testAWriteOfRedactedTextIsUnverifiedNotClean() throws {
        // entireio/cli, ckpt a895cb11d3ba: the commit holds the secret, the log `REDACTED`.
        let repo = try TestRepo(self)
        var log = ClaudeLog()
        let call = log.write("test-secrets.txt", "# Test file for gitleaks detection\n\nREDACTED\n")
        let r = try replay(log, onto: repo)
        let step = try r.step(call)
        XCTAssertEqual(step.verdict, .applied)
        XCTAssertEqual(step.redacted, ["test-secrets.txt"])
        XCTAssertTrue(step.unverified)
        XCTAssertTrue(step.note?.contains("REDACTED") ?? false, step.note ?? "")
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertFalse(r.run.clean)
        XCTAssertEqual(r.run.summary.redacted, 1)
        XCTAssertEqual(r.run.summary.drift + r.run.summary.mismatch + r.run.summary.notReplayable, 0)
    }

    func testAnEditThatKeepsAFilesOwnMarkersIsClean() throws {
        // A redactor's own tests hold the word: an edit that adds none is not suspect.
        let repo = try TestRepo(self, files: ["redact_test.go": "want := \"REDACTED\"\nrun(1)\n"])
        var log = ClaudeLog()
        let call = log.edit("redact_test.go", "run(1)", "run(2)")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).redacted, [])
        XCTAssertTrue(r.run.clean)
        XCTAssertEqual(try r.file("redact_test.go"), "want := \"REDACTED\"\nrun(2)\n")
    }

    func testAReadThatDiffersOnlyWhereRedactedAgrees() throws {
        let file = "package main\n\nconst key = \"\(secret)\"\n"
        let repo = try TestRepo(self, files: ["main.go": file])
        var log = ClaudeLog()
        let whole = log.read("main.go", "package main\n\nconst key = \"REDACTED\"\n")
        let window = log.read("main.go", window: ["const key = \"REDACTED\""], startLine: 3, totalLines: 4)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(whole).drift, [])
        XCTAssertEqual(try r.step(window).drift, [])
        XCTAssertEqual(r.run.startState, [], "the file as the base has it is kept: the log lost its bytes")
        XCTAssertTrue(r.run.clean)
        XCTAssertEqual(try r.file("main.go"), file)
    }

    func testARedactedFirstSightThatDiffersElsewhereIsAStartStateThatIsUnverified() throws {
        let repo = try TestRepo(self, files: ["main.go": "a\nkey=\(secret)\n"])
        var log = ClaudeLog()
        // The session's first sight of the file, which differs beyond the redacted part: the
        // session began on a dirty tree, whose bytes the log lost in part.
        let call = log.read("main.go", "a\nkey=REDACTED\nextra\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.run.startState.map(\.path), ["main.go"])
        XCTAssertEqual(try r.step(call).drift, [])
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertTrue(r.run.caveats.contains { $0.contains("main.go") && $0.contains("REDACTED") }, "\(r.run.caveats)")
    }

    func testARedactedObservationRecoveredOntoAShellCallLeavesItUnverified() throws {
        let repo = try TestRepo(self, files: ["main.go": "a\n"])
        var log = ClaudeLog()
        log.read("main.go", "a\n")
        let shell = log.bash("./generate-config")
        let read = log.read("main.go", "a\nkey=REDACTED\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(read).drift, [])
        let step = try r.step(shell)
        XCTAssertEqual(step.recovered.map(\.path), ["main.go"])
        XCTAssertEqual(step.redacted, ["main.go"])
        XCTAssertTrue(step.unverified)
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertEqual(try r.file("main.go"), "a\nkey=REDACTED\n")
    }

    func testARedactedObservationThatNoCallExplainsIsDrift() throws {
        let repo = try TestRepo(self, files: ["main.go": "a\nkey=\(secret)\n"])
        var log = ClaudeLog()
        log.read("main.go", "a\nkey=REDACTED\n")
        let call = log.read("main.go", "b\nkey=REDACTED\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).drift.first?.line, 1)
        XCTAssertEqual(r.run.outcome, .contradicted)
    }

    func testAnEditWhoseOldTextWasRedactedAppliesAndIsUnverified() throws {
        // entireio/cli, ckpt 6de70163f7e3: the test's name is REDACTED in the log.
        let file = "func TestExplainCmd_ShowsHelpForPositionalArgWithoutFlag(t *testing.T) {\n\tcmd := old()\n}\n"
        let repo = try TestRepo(self, files: ["explain_test.go": file])
        var log = ClaudeLog()
        let call = log.edit("explain_test.go", "func REDACTED(t *testing.T) {\n\tcmd := old()", "func REDACTED(t *testing.T) {\n\tcmd := new()")
        let r = try replay(log, onto: repo)
        let step = try r.step(call)
        XCTAssertEqual(step.verdict, .applied)
        XCTAssertEqual(step.redacted, ["explain_test.go"])
        XCTAssertTrue(step.unverified)
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertEqual(try r.file("explain_test.go"), "func REDACTED(t *testing.T) {\n\tcmd := new()\n}\n")
    }

    func testAnEditMatchedOnlyThroughTheMarkerIsUnverifiedEvenWhenItWritesNone() throws {
        let repo = try TestRepo(self, files: ["cfg.env": "A=1\nKEY=\(secret)\nB=2\n"])
        var log = ClaudeLog()
        let call = log.edit("cfg.env", "KEY=REDACTED\n", "")
        let r = try replay(log, onto: repo)
        let step = try r.step(call)
        XCTAssertEqual(step.verdict, .applied)
        XCTAssertEqual(step.redacted, ["cfg.env"])
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertEqual(try r.file("cfg.env"), "A=1\nB=2\n")
    }

    func testARedactedOldTextThatMatchesTwiceStaysAMismatch() throws {
        let repo = try TestRepo(self, files: ["t.go": "func TestAlphaBeta_One(t) {}\nfunc TestGammaDelta_Two(t) {}\n"])
        var log = ClaudeLog()
        let call = log.edit("t.go", "func REDACTED(t) {}", "func X(t) {}")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).verdict, .mismatch)
        XCTAssertEqual(r.run.outcome, .contradicted)
    }
}
