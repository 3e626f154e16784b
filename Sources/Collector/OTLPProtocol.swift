/// The two encodings of OTLP/HTTP, by the names OpenTelemetry's exporters take
/// (`OTEL_EXPORTER_OTLP_PROTOCOL`): binary protobuf, the default of OTLP/HTTP, and the
/// protobuf JSON encoding with hex ids. gRPC (`grpc`) is not spoken.
public enum OTLPProtocol: String, CaseIterable, Sendable {
    case httpProtobuf = "http/protobuf"
    case httpJSON = "http/json"

    /// The request's `Content-Type`; a collector answers in the same.
    public var contentType: String {
        switch self {
        case .httpProtobuf: return "application/x-protobuf"
        case .httpJSON: return "application/json"
        }
    }

    /// The protocol `name` names, or a message saying which ones there are.
    public static func named(_ name: String, from source: String) throws(CollectorError) -> OTLPProtocol {
        if let p = OTLPProtocol(rawValue: name) { return p }
        let known = allCases.map(\.rawValue).joined(separator: ", ")
        if name == "grpc" {
            throw .settings("\(source): grpc is not supported, only OTLP/HTTP (\(known)); a collector's OTLP receiver takes both on port 4318")
        }
        throw .settings("\(source): unknown protocol '\(name)' (known: \(known))")
    }
}
