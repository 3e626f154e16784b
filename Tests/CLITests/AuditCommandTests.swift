import Foundation
import XCTest

/// `agentreplay audit` as a process: the report on stdout, exit 0 audited, 1 when a call
/// that ran breaks the policy, 2 on a policy that is not valid; `--json` byte-stable.
final class AuditCommandTests: XCTestCase {
    static let excerpt = packageRoot + "/fixtures/audit/claude-code-2.1.34__entireio-cli-denied-edit.jsonl"

    func write(_ text: String, _ name: String) throws -> String {
        let folder = try makeTemporaryDirectory(self, "audit")
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
        return folder
    }

    func testReportListsCallsWithDecisionsAndTheRefusal() throws {
        let r = try CLI.run(["audit", Self.excerpt], in: packageRoot)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(r.stderrText, "")
        let lines = r.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[1], "policy in force: default (recorded)")
        XCTAssertEqual(lines[2], "decisions: 3 allowed by policy, 2 allowed (by a rule or the user: the log does not say), 1 denied by the user")
        XCTAssertTrue(lines.contains("  #14 turn 7 line 34 span 64b566851911edb2  Edit  writes redact/redact_test.go"), r.stdoutText)
        XCTAssertTrue(
            lines.contains(
                "      policy: default (recorded) · decision: denied by the user (decided by user, recorded) · outcome: refused (recorded)"),
            r.stdoutText)
        XCTAssertTrue(r.stdoutText.hasSuffix("risks\n  none found\n"), r.stdoutText)
    }

    func testPolicyViolationExitsOneAndNamesSpanTurnAndLine() throws {
        let folder = try write(#"{"deny_write": ["redact/**"], "deny_command": ["mise run*"]}"#, "policy.json")
        let r = try CLI.run(["audit", Self.excerpt, "--policy", "policy.json"], in: folder)
        XCTAssertEqual(r.status, 1, "\(r)")
        XCTAssertTrue(
            r.stdoutText.hasSuffix(
                """
                policy policy.json: 2 violations, 1 refused attempt
                  deny_write "redact/**" (line 1): #4 turn 2 line 11 span b9bf2a4e0b211202  Edit  redact/redact_test.go
                  deny_command "mise run*" (line 1): #8 turn 4 line 20 span 1d4ff7c6ed26a544  Bash  mise run test -- ./redact/...
                  deny_write "redact/**" (line 1): #14 turn 7 line 34 span 64b566851911edb2  Edit  redact/redact_test.go  (refused: did not run)

                """), r.stdoutText)
        // Only the refused call matches: nothing that ran broke the policy.
        let refusedOnly = try write(#"{"deny_command": ["npm *"], "deny_write": ["README.md"]}"#, "policy.json")
        XCTAssertEqual(try CLI.run(["audit", Self.excerpt, "--policy", "policy.json", "-q"], in: refusedOnly).status, 0)
    }

    func testAPolicyThatIsNotValidIsRefusedWithFileLineAndField() throws {
        let folder = try write("{\n  \"deny_write\": [\n    \"docs/\"\n  ]\n}\n", "policy.json")
        let r = try CLI.run(["audit", Self.excerpt, "--policy", "policy.json"], in: folder)
        XCTAssertEqual(r.status, 2, "\(r)")
        XCTAssertEqual(r.stdoutText, "")
        XCTAssertEqual(
            r.stderrText,
            """
            agentreplay: error: policy.json:3: field 'deny_write[0]': "docs/" cannot match: a path never ends in '/' (for everything below a folder write docs/**)
            hint: docs/audit.md describes the policy format; docs/audit-policy.json is an example

            """)
    }

    func testJSONIsVersionedAndByteStable() throws {
        let a = try CLI.run(["audit", Self.excerpt, "--json", "--policy", "docs/audit-policy.json"], in: packageRoot)
        let b = try CLI.run(["audit", Self.excerpt, "--json", "--policy", "docs/audit-policy.json"], in: packageRoot)
        XCTAssertEqual(a.status, 0, "\(a)")
        XCTAssertEqual(a.stdoutText, b.stdoutText)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(a.stdoutText.utf8)) as? [String: Any])
        XCTAssertEqual(document["schema"] as? String, "agentreplay.audit")
        XCTAssertEqual(document["version"] as? Int, 1)
        let calls = try XCTUnwrap(document["calls"] as? [[String: Any]])
        XCTAssertEqual(calls.count, 6)
        let last = try XCTUnwrap(calls.last?["decision"] as? [String: Any])
        XCTAssertEqual(last["value"] as? String, "denied_by_user")
        XCTAssertEqual(last["basis"] as? String, "recorded")
        let policy = try XCTUnwrap(document["policy"] as? [String: Any])
        XCTAssertEqual(policy["violated"] as? Bool, false)
    }
}
