import Foundation
import XCTest

@testable import Audit
import Importers
import TestSupport
import Trace

/// The policy file: globs, what it refuses as input (file, line, field), and the check.
final class PolicyTests: XCTestCase {
    func load(_ text: String) throws -> Policy {
        let folder = try makeTemporaryDirectory(self, "AuditTests")
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/policy.json"))
        return try Policy.load(path: folder + "/policy.json", displayName: "policy.json")
    }

    func error(_ text: String) throws -> TraceError {
        do {
            _ = try load(text)
        } catch let e as TraceError {
            return e
        }
        XCTFail("accepted: \(text)")
        throw XCTSkip()
    }

    func testPathGlobs() throws {
        let glob = try Glob("secrets/**", flavour: .path)
        XCTAssertTrue(glob.matches("secrets/a"))
        XCTAssertTrue(glob.matches("secrets/a/b.txt"))
        XCTAssertFalse(glob.matches("src/secrets/a"))
        let star = try Glob("src/*.swift", flavour: .path)
        XCTAssertTrue(star.matches("src/a.swift"))
        XCTAssertFalse(star.matches("src/x/a.swift"))
        let any = try Glob("**/.env*", flavour: .path)
        XCTAssertTrue(any.matches(".env"))
        XCTAssertTrue(any.matches("app/.env.local"))
        XCTAssertTrue(try Glob("[!a]?.md", flavour: .path).matches("bc.md"))
        XCTAssertTrue(try Glob("git push*", flavour: .text).matches("git push --force origin main"))
        XCTAssertFalse(try Glob("git push*", flavour: .text).matches("git pull"))
    }

    func testTheExamplePolicyLoads() throws {
        let policy = try Policy.load(path: packageRoot + "/docs/audit-policy.json", displayName: "docs/audit-policy.json")
        XCTAssertEqual(policy.denyWrite.first?.glob.pattern, "README.md")
        XCTAssertEqual(policy.denyWrite.first?.line, 4)
        XCTAssertNotNil(policy.allowDomain)
    }

    func testBadInputNamesFileLineAndField() throws {
        var e = try error("{\n  \"deny_write\": [\"README.md\"],\n  \"deny_writes\": []\n}\n")
        XCTAssertEqual(e.file, "policy.json")
        XCTAssertEqual(e.line, 3)
        XCTAssertEqual(e.field, "deny_writes")
        e = try error("{\n  \"deny_write\": [\n    \"ok\",\n    \"docs/\"\n  ]\n}\n")
        XCTAssertEqual(e.line, 4)
        XCTAssertEqual(e.field, "deny_write[1]")
        XCTAssertTrue(e.message.contains("cannot match"), e.message)
        e = try error("{\"deny_command\": [\" git push\"]}")
        XCTAssertEqual(e.field, "deny_command[0]")
        e = try error("{\"allow_domain\": [\"https://github.com\"]}")
        XCTAssertEqual(e.field, "allow_domain[0]")
        e = try error("{\"deny_read\": [\"[abc\"]}")
        XCTAssertEqual(e.field, "deny_read[0]")
        e = try error("{\"deny_read\": [\"../x\"]}")
        XCTAssertEqual(e.field, "deny_read[0]")
        e = try error("{\"deny_command\": \"rm\"}")
        XCTAssertEqual(e.field, "deny_command")
        e = try error("{\"deny_command\": [1]}")
        XCTAssertEqual(e.field, "deny_command[0]")
        e = try error("{\"version\": 2}")
        XCTAssertEqual(e.field, "version")
        e = try error("{\"deny_write\": [}")
        XCTAssertEqual(e.line, 1)
        e = try error("[]")
        XCTAssertNil(e.field)
    }

    func testCheckNamesSpanTurnAndLine() throws {
        let policy = try load(
            """
            {"deny_write": ["README.md", "/etc/**"], "deny_command": ["git push*"], "allow_domain": ["github.com"]}
            """)
        // Tool spans as an importer hands them: shell calls in their canonical form.
        func tool(_ id: String, _ name: String, _ input: JSON, line: Int) -> Span {
            ShellCalls.canonical(
                Span(
                    id: Span.ID(id), parentID: Span.ID("t1"), kind: .tool, name: name, status: .ok,
                    attributes: Attributes([
                        (GenAI.toolName, .string(name)), (GenAI.toolCallID, .string(id)), (GenAI.sourceLine, .number(Int64(line))),
                    ]),
                    input: input, output: .string("")), agent: .claudeCode)
        }
        let trace = Trace(
            header: Trace.Header(traceID: "t", agentName: "claude-code", repoRoot: "/r"),
            spans: [
                Span(id: Span.ID("t1"), kind: .llm, name: "chat"),
                tool("a", "Edit", .object([("file_path", .string("/r/README.md"))]), line: 5),
                tool("b", "Bash", .object([("command", .string("echo x > /etc/hosts && git push origin main"))]), line: 7),
                tool("c", "Bash", .object([("command", .string("curl -s https://example.com/a"))]), line: 9),
                tool("d", "Edit", .object([("file_path", .string("/r/docs/README.md"))]), line: 11),
            ])
        let audit = Audit(trace, policy: policy)
        XCTAssertEqual(audit.violations.map(\.member), ["deny_write", "deny_write", "deny_command", "allow_domain"])
        XCTAssertEqual(audit.violations.map(\.location.line), [5, 7, 7, 9])
        XCTAssertEqual(audit.violations.map(\.location.turn), [1, 1, 1, 1])
        XCTAssertEqual(audit.violations.map(\.what), ["README.md", "/etc/hosts", "git push origin main", "example.com"])
        XCTAssertEqual(audit.risks.map(\.riskClass), [.outsideWrite, .network, .network])
    }
}
