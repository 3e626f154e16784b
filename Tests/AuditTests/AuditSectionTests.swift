import XCTest

import Audit
@testable import HTMLReport
import Importers
import TestSupport

/// The report's "Permissions and risks" section.
final class AuditSectionTests: XCTestCase {
    func testRefusedCallsAndRisksLinkToTheirSpans() throws {
        let trace = try Importer.load(path: packageRoot + "/fixtures/audit/claude-code-2.1.34__entireio-cli-denied-edit.jsonl")
        let html = AuditSection.html(Audit(trace))
        XCTAssertTrue(html.hasPrefix("<h2>Permissions and risks</h2>\n"))
        XCTAssertTrue(html.contains("Policy in force: default (recorded). Decisions: 3 allowed by policy, "), html)
        XCTAssertTrue(
            html.contains(
                "<tr><td>denied by the user (user)</td><td><a href=\"#span-64b566851911edb2\">#14</a></td><td>7</td><td>34</td><td>Edit</td><td>redact/redact_test.go</td></tr>"
            ),
            html)
    }

    func testLogTextIsEscaped() throws {
        let trace = try Importer.load(path: packageRoot + "/fixtures/codex/codex-0.140.0-alpha.19__planetfall-license.jsonl")
        let html = AuditSection.html(Audit(trace))
        XCTAssertTrue(html.contains("<td>network</td>"), html)
        XCTAssertFalse(html.contains("<script"))
    }
}
