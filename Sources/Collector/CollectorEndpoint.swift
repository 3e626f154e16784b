import Foundation

/// Where an export is sent: an `http` or `https` URL with a host.
///
/// OpenTelemetry names two kinds of endpoint: a **base** URL (`OTEL_EXPORTER_OTLP_ENDPOINT`,
/// and `--endpoint`), to whose path `v1/traces` is appended (after a `/`), and a **traces**
/// URL (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, and `--traces-endpoint`), used as it is.
public struct CollectorEndpoint: Sendable, Equatable {
    /// The URL requests go to.
    public let url: URL
    /// The URL for messages: scheme, host, port and path, without a user, password or query
    /// (which may hold a credential).
    public let display: String

    /// `text` as a base URL: `http://host:4318` becomes `http://host:4318/v1/traces`,
    /// `http://host/otlp/` becomes `http://host/otlp/v1/traces`.
    public static func base(_ text: String, from source: String) throws(CollectorError) -> CollectorEndpoint {
        var components = try parse(text, from: source)
        let path = components.percentEncodedPath
        components.percentEncodedPath = path + (path.hasSuffix("/") ? "" : "/") + "v1/traces"
        return try make(components, from: source)
    }

    /// `text` as the traces URL itself.
    public static func traces(_ text: String, from source: String) throws(CollectorError) -> CollectorEndpoint {
        try make(parse(text, from: source), from: source)
    }

    private static func parse(_ text: String, from source: String) throws(CollectorError) -> URLComponents {
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)) else {
            throw .settings("\(source): '\(text)' is not a URL")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .settings("\(source): '\(text)' is not an http:// or https:// URL (OTLP/HTTP; gRPC is not spoken)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .settings("\(source): '\(text)' names no host")
        }
        if components.fragment != nil {
            throw .settings("\(source): '\(text)' has a fragment (#…), which HTTP never sends")
        }
        return components
    }

    private static func make(_ components: URLComponents, from source: String) throws(CollectorError) -> CollectorEndpoint {
        guard let url = components.url else { throw .settings("\(source): not a usable URL") }
        var shown = URLComponents()
        shown.scheme = components.scheme?.lowercased()
        shown.percentEncodedHost = components.percentEncodedHost
        shown.port = components.port
        shown.percentEncodedPath = components.percentEncodedPath
        return CollectorEndpoint(url: url, display: shown.string ?? "\(components.scheme ?? "")://\(components.host ?? "")")
    }
}
