import Foundation
import XCTest

@testable import Export
import Importers
import OTLPProto
import TestSupport
import Trace

/// `OTLPProtobuf`: the binary request says what the JSON export says, span by span, for the
/// real logs of every format; its bytes are the same every time; deep values fit; a document
/// that is not OTLP is refused, never cut down.
final class OTLPProtobufTests: XCTestCase {
    let scope = OTLPExport.Scope(version: "9.9.9")

    static let logs = OTLPExportTests.fixtureLogs

    func testTheProtobufRequestSaysWhatTheJSONSays() throws {
        for log in Self.logs {
            let trace = try Importer.load(path: packageRoot + "/" + log)
            let document = OTLPExport.document(trace, scope: scope)
            let request = try OTLPProtobuf.request(document)
            let jsonSpans = document["resourceSpans"]?.arrayValue?.first?["scopeSpans"]?.arrayValue?.first?["spans"]?.arrayValue ?? []
            XCTAssertEqual(request.resourceSpans.count, 1, log)
            let resource = request.resourceSpans[0]
            XCTAssertEqual(resource.resource.attributes.first?.key, "service.name", log)
            XCTAssertEqual(resource.resource.attributes.first?.value.stringValue, trace.header.agentName, log)
            XCTAssertEqual(resource.scopeSpans.first?.scope.name, "agentreplay", log)
            XCTAssertEqual(resource.scopeSpans.first?.scope.version, "9.9.9", log)
            let spans = resource.scopeSpans.first?.spans ?? []
            XCTAssertEqual(spans.count, trace.spans.count, log)
            XCTAssertEqual(spans.count, jsonSpans.count, log)
            for (span, json) in zip(spans, jsonSpans) {
                XCTAssertEqual(hex(span.traceID), json["traceId"]?.stringValue, log)
                XCTAssertEqual(hex(span.spanID), json["spanId"]?.stringValue, log)
                XCTAssertEqual(span.parentSpanID.isEmpty ? nil : hex(span.parentSpanID), json["parentSpanId"]?.stringValue, log)
                XCTAssertEqual(span.name, json["name"]?.stringValue, log)
                XCTAssertEqual(Int64(span.kind.rawValue), json["kind"]?.intValue, log)
                XCTAssertEqual(span.startTimeUnixNano == 0 ? nil : String(span.startTimeUnixNano), json["startTimeUnixNano"]?.stringValue, log)
                XCTAssertEqual(span.endTimeUnixNano == 0 ? nil : String(span.endTimeUnixNano), json["endTimeUnixNano"]?.stringValue, log)
                XCTAssertEqual(span.attributes.map(\.key), json["attributes"]?.arrayValue?.compactMap { $0["key"]?.stringValue }, log)
                XCTAssertEqual(Int64(span.status.code.rawValue), json["status"]?["code"]?.intValue ?? 0, log)
                XCTAssertEqual(span.events.count, json["events"]?.arrayValue?.count ?? 0, log)
                for (kv, jkv) in zip(span.attributes, json["attributes"]?.arrayValue ?? []) {
                    XCTAssertEqual(value(kv.value), jkv["value"].map(doublesRead), "\(log): \(kv.key)")
                }
            }
        }
    }

    func testTheSameDocumentGivesTheSameBytes() throws {
        let trace = try Importer.load(path: packageRoot + "/" + Self.logs[1])
        let a = try OTLPProtobuf.bytes(OTLPExport.document(trace, scope: scope))
        let b = try OTLPProtobuf.bytes(OTLPExport.document(try Importer.load(path: packageRoot + "/" + Self.logs[1]), scope: scope))
        XCTAssertEqual(a, b)
        XCTAssertEqual(try OTLPProtobuf.Request(serializedBytes: a), try OTLPProtobuf.request(OTLPExport.document(trace, scope: scope)))
    }

    /// A value nested as deep as the trace parser allows still encodes (three messages a level).
    func testDeepValuesFit() throws {
        var value = JSON.string("bottom")
        for _ in 0..<(JSONParser.defaultMaximumDepth - 8) { value = .object([("k", value)]) }
        let document = JSON.object([
            ("resourceSpans", .array([.object([("resource", .object([("attributes", AnyValue.attributes([("deep", value)]))]))])]))
        ])
        let request = try OTLPProtobuf.request(document)
        var v = request.resourceSpans[0].resource.attributes[0].value
        var depth = 0
        while case .kvlistValue(let list)? = v.value { v = list.values[0].value; depth += 1 }
        XCTAssertEqual(depth, JSONParser.defaultMaximumDepth - 8)
        XCTAssertEqual(v.stringValue, "bottom")
    }

    func testWhatIsNotOTLPIsRefused() {
        let unknown = JSON.object([
            (
                "resourceSpans",
                .array([
                    .object([
                        (
                            "scopeSpans",
                            .array([
                                .object([
                                    (
                                        "spans",
                                        .array([
                                            .object([
                                                ("traceId", .string("0123456789abcdef0123456789abcdef")), ("spanId", .string("0123456789abcdef")),
                                                ("colour", .string("red")),
                                            ])
                                        ])
                                    )
                                ])
                            ])
                        )
                    ])
                ])
            )
        ])
        XCTAssertThrowsError(try OTLPProtobuf.request(unknown)) { XCTAssertTrue("\($0)".contains("cannot be encoded as OTLP protobuf"), "\($0)") }
        let badID = JSON.object([
            (
                "resourceSpans",
                .array([
                    .object([
                        (
                            "scopeSpans",
                            .array([
                                .object([
                                    (
                                        "spans",
                                        .array([
                                            .object([("spanId", .string("not hex!"))])
                                        ])
                                    )
                                ])
                            ])
                        )
                    ])
                ])
            )
        ])
        XCTAssertThrowsError(try OTLPProtobuf.request(badID)) { XCTAssertEqual("\($0)", "the export has a spanId that is not hex") }
    }

    /// `json` with each `doubleValue` as Swift writes the double it reads (the export keeps
    /// the log's own digits, `1e3`; the message holds the number).
    func doublesRead(_ json: JSON) -> JSON {
        switch json {
        case .object(let members):
            return .object(
                members.map { key, v in
                    if key == "doubleValue", case .number(let text) = v, let d = Double(text) { return (key, .number(String(d))) }
                    return (key, doublesRead(v))
                })
        case .array(let values): return .array(values.map(doublesRead))
        default: return json
        }
    }

    func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }

    /// An AnyValue as the OTLP JSON the export writes for it.
    func value(_ v: Opentelemetry_Proto_Common_V1_AnyValue) -> JSON {
        switch v.value {
        case nil: return .object([])
        case .stringValue(let s)?: return .object([("stringValue", .string(s))])
        case .boolValue(let b)?: return .object([("boolValue", .bool(b))])
        case .intValue(let i)?: return .object([("intValue", .string(String(i)))])
        case .doubleValue(let d)?: return .object([("doubleValue", .number(String(d)))])
        case .arrayValue(let a)?: return .object([("arrayValue", .object([("values", .array(a.values.map(value)))]))])
        case .kvlistValue(let l)?:
            return .object([
                ("kvlistValue", .object([("values", .array(l.values.map { .object([("key", .string($0.key)), ("value", value($0.value))]) }))]))
            ])
        case .bytesValue(let b)?: return .object([("bytesValue", .string(b.base64EncodedString()))])
        default: return .null  // a kind the export never writes (e.g. the profiles' string index)
        }
    }
}
