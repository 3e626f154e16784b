import Foundation
import OTLPProto
import SwiftProtobuf
import Trace

/// The export in OTLP's binary protobuf encoding (what OTLP/HTTP sends by default), made from
/// the very document `OTLPExport.document` builds for the JSON encoding, so the two say the
/// same thing by construction: the document is read into opentelemetry-proto's
/// `ExportTraceServiceRequest` by swift-protobuf's JSON decoder (unknown fields refused: a
/// field the JSON names that OTLP has not is an error, never dropped) and serialized.
///
/// OTLP/JSON writes trace and span ids in hex where the protobuf JSON mapping has base64;
/// they are turned into base64 first, as a collector's JSON receiver reads them.
public enum OTLPProtobuf {
    public typealias Request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Nesting allowed: an attribute value's JSON nesting (bounded by the trace parser's
    /// `JSONParser.defaultMaximumDepth`) takes three message levels each (AnyValue,
    /// KeyValueList, KeyValue), under the request's own six.
    static let messageDepthLimit = 3 * JSONParser.defaultMaximumDepth + 16

    /// The request message of an export document.
    public static func request(_ document: JSON) throws(Failure) -> Request {
        var bytes: [UInt8] = []
        JSONWriter.write(try withBase64IDs(document), into: &bytes)
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = false
        options.messageDepthLimit = messageDepthLimit
        do {
            return try Request(jsonUTF8Bytes: bytes, options: options)
        } catch {
            throw Failure(description: "the export cannot be encoded as OTLP protobuf: \(error)")
        }
    }

    /// The request's bytes. swift-protobuf writes fields in number order and repeated fields
    /// in order (the request has no maps), so the same document gives the same bytes.
    public static func bytes(_ document: JSON) throws(Failure) -> [UInt8] {
        let message = try request(document)
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        do {
            return try message.serializedBytes(options: options)
        } catch {
            throw Failure(description: "the export cannot be encoded as OTLP protobuf: \(error)")
        }
    }

    static let idFields: Set<String> = ["traceId", "spanId", "parentSpanId"]

    /// The document with the ids of spans and of their links in base64.
    static func withBase64IDs(_ document: JSON) throws(Failure) -> JSON {
        try rewrite(document, path: ["resourceSpans", "scopeSpans", "spans"]) { span throws(Failure) in
            var members = try ids(span)
            if let i = members.firstIndex(where: { $0.0 == "links" }), case .array(let links) = members[i].1 {
                var out: [JSON] = []
                for link in links { out.append(.object(try ids(link))) }
                members[i].1 = .array(out)
            }
            return .object(members)
        }
    }

    /// Applies `body` to each object reached through the arrays named by `path`.
    static func rewrite(_ value: JSON, path: ArraySlice<String>, _ body: (JSON) throws(Failure) -> JSON) throws(Failure) -> JSON {
        guard let key = path.first else { return try body(value) }
        guard case .object(var members) = value else { return value }
        for i in members.indices where members[i].0 == key {
            guard case .array(let items) = members[i].1 else { continue }
            var out: [JSON] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try rewrite(item, path: path.dropFirst(), body)) }
            members[i].1 = .array(out)
        }
        return .object(members)
    }

    static func ids(_ value: JSON) throws(Failure) -> [(String, JSON)] {
        guard case .object(var members) = value else { return [] }
        for i in members.indices where idFields.contains(members[i].0) {
            guard case .string(let hex) = members[i].1, let bytes = hexBytes(hex) else {
                throw Failure(description: "the export has a \(members[i].0) that is not hex")
            }
            members[i].1 = .string(Data(bytes).base64EncodedString())
        }
        return members
    }

    static func hexBytes(_ hex: String) -> [UInt8]? {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }
}
