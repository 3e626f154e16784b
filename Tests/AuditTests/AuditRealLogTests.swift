import Foundation
import XCTest

import Audit
import Importers
import TestSupport
import Trace

/// `audit` on real logs: a Claude Code excerpt with a call the user refused
/// (`fixtures/audit/`), and a whole Codex rollout (`fixtures/codex/`).
final class AuditRealLogTests: XCTestCase {
    func testClaudeCodeRefusalIsRecordedAndTheRestInferredFromTheMode() throws {
        let trace = try Importer.load(path: packageRoot + "/fixtures/audit/claude-code-2.1.34__entireio-cli-denied-edit.jsonl")
        let audit = Audit(trace)
        XCTAssertEqual(audit.rows.map(\.request.tool), ["Read", "Edit", "Bash", "Grep", "Read", "Edit"])
        XCTAssertEqual(Set(audit.rows.map(\.policy.mode)), ["default"])
        XCTAssertEqual(
            audit.rows.map(\.decision),
            [
                .decided(.allowedByPolicy), .allowed, .allowed, .decided(.allowedByPolicy), .decided(.allowedByPolicy),
                .decided(.deniedByUser),
            ])
        let refused = try XCTUnwrap(audit.rows.last)
        XCTAssertEqual(refused.decisionBasis, .recorded)
        XCTAssertEqual(refused.decidedBy, "user")
        XCTAssertEqual(refused.outcome, .refused)
        XCTAssertEqual(refused.location.line, 34)
        XCTAssertEqual(refused.request.writes.map(\.path), ["redact/redact_test.go"])
        XCTAssertEqual(audit.rows[0].decisionBasis, .inferred)
        XCTAssertEqual(audit.rows[0].decidedBy, "mode default")
        XCTAssertTrue(audit.risks.isEmpty)
    }

    func testCodexTurnContextGivesEveryCallItsApprovalPolicyAndSandbox() throws {
        let trace = try Importer.load(path: packageRoot + "/fixtures/codex/codex-0.140.0-alpha.19__planetfall-license.jsonl")
        let audit = Audit(trace)
        XCTAssertFalse(audit.rows.isEmpty)
        for row in audit.rows {
            XCTAssertEqual(row.policy.mode, "never")
            XCTAssertEqual(row.policy.sandbox, "danger-full-access")
            XCTAssertEqual(row.policy.basis, .recorded)
            // A call that ran under `never` was never asked about.
            if row.outcome != .none {
                XCTAssertEqual(row.decision, .decided(.allowedByPolicy))
                XCTAssertEqual(row.decidedBy, "approval_policy never")
            }
        }
    }
}
