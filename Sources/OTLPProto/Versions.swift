// Written by scripts/generate-otlp-proto; do not edit.

/// What the messages of this module were generated from.
public enum OTLPProtoVersions {
    /// The opentelemetry-proto release the .proto files come from.
    public static let opentelemetryProto = "v1.11.0"
    /// Its commit.
    public static let opentelemetryProtoCommit = "790608c4d51e6ffc12210b541e8514cbed9e91a4"
    /// The swift-protobuf whose protoc-gen-swift wrote the code (and whose runtime it needs).
    public static let swiftProtobuf = "1.39.0"
    /// The protoc that ran the plugin.
    public static let protoc = "libprotoc 3.21.12"
}
