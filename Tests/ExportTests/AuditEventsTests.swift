import XCTest

@testable import Export
import Importers
import TestSupport
import Trace

/// The audit as span events of the OTLP export.
final class AuditEventsTests: XCTestCase {
    func testARefusedCallCarriesItsDecisionAsAnEvent() throws {
        let trace = try Importer.load(path: packageRoot + "/fixtures/audit/claude-code-2.1.34__entireio-cli-denied-edit.jsonl")
        let document = OTLPExport.document(trace, scope: OTLPExport.Scope(version: "test"))
        let resource = document["resourceSpans"]?.arrayValue?.first
        let scope = resource?["scopeSpans"]?.arrayValue?.first
        let spans: [JSON] = scope?["spans"]?.arrayValue ?? []
        let withEvents = spans.filter { $0["events"] != nil }
        XCTAssertEqual(withEvents.count, 1)
        let event = try XCTUnwrap(withEvents.first?["events"]?.arrayValue?.first)
        XCTAssertEqual(event["name"]?.stringValue, "agentreplay.audit.refused")
        XCTAssertNotNil(event["timeUnixNano"]?.stringValue)
        let pairs: [JSON] = event["attributes"]?.arrayValue ?? []
        let keys: [String] = pairs.compactMap { $0["key"]?.stringValue }
        let values: [String] = pairs.compactMap { $0["value"]?["stringValue"]?.stringValue }
        XCTAssertEqual(keys, ["agentreplay.audit.decision", "agentreplay.audit.decision.basis", "agentreplay.audit.decided_by"])
        XCTAssertEqual(values, ["denied_by_user", "recorded", "user"])
        // The span also keeps the trace's permission records as attributes.
        let spanKeys: [String] = (withEvents[0]["attributes"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue }
        XCTAssertTrue(spanKeys.contains("agentreplay.permission.decision"))
        XCTAssertTrue(spanKeys.contains("agentreplay.permission.mode"))
    }
}
