/// Everything a send needs, from the command line and, as OpenTelemetry's exporters do, from
/// the `OTEL_EXPORTER_OTLP_*` environment variables.
///
/// - **Endpoint**: `--traces-endpoint` (as is) or `--endpoint` (a base); else
///   `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (as is), `OTEL_EXPORTER_OTLP_ENDPOINT` (a base), and
///   the specification's default `http://localhost:4318/v1/traces`.
/// - **Protocol**: `--otlp-protocol`, else `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`,
///   `OTEL_EXPORTER_OTLP_PROTOCOL`, else `http/protobuf`.
/// - **Headers**: `OTEL_EXPORTER_OTLP_HEADERS`, then `OTEL_EXPORTER_OTLP_TRACES_HEADERS`, then
///   `--header` (each overriding a name the earlier gave). The variables are read only when
///   the endpoint comes from the environment too: a token meant for the usual collector is
///   never sent to a URL typed on the command line.
/// - **Timeout** per attempt: `--timeout` (seconds), else `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`,
///   `OTEL_EXPORTER_OTLP_TIMEOUT` (milliseconds, as the specification has them), else 10 s.
///
/// An empty variable counts as unset, as the specification says. The variables of what is not
/// done (`…_COMPRESSION` other than `none`, `…_CERTIFICATE`, `…_CLIENT_KEY`,
/// `…_CLIENT_CERTIFICATE`) are named in `notes`, never ignored silently.
public struct CollectorSettings: Sendable {
    public var endpoint: CollectorEndpoint
    public var otlpProtocol: OTLPProtocol
    public var headers: [CollectorHeaders.Header]
    /// Seconds one attempt may wait for the collector.
    public var timeout: Double
    /// Attempts in all, the first included.
    public var attempts: Int
    /// What the environment asks that is not done, for the user to read.
    public var notes: [String] = []

    public static let defaultTimeout = 10.0
    public static let defaultAttempts = 5
    public static let maximumAttempts = 100
    public static let defaultEndpoint = "http://localhost:4318/v1/traces"

    /// What the command line says; nil where it says nothing.
    public struct Flags: Sendable {
        public var endpoint: String?
        public var tracesEndpoint: String?
        public var otlpProtocol: String?
        public var headers: [String]
        public var timeout: Double?
        public var attempts: Int?

        public init(
            endpoint: String? = nil, tracesEndpoint: String? = nil, otlpProtocol: String? = nil,
            headers: [String] = [], timeout: Double? = nil, attempts: Int? = nil
        ) {
            self.endpoint = endpoint
            self.tracesEndpoint = tracesEndpoint
            self.otlpProtocol = otlpProtocol
            self.headers = headers
            self.timeout = timeout
            self.attempts = attempts
        }
    }

    public static func resolve(_ flags: Flags, environment: [String: String]) throws(CollectorError) -> CollectorSettings {
        func env(_ name: String) -> (name: String, value: String)? {
            guard let v = environment[name], !v.isEmpty else { return nil }
            return (name, v)
        }
        let endpoint: CollectorEndpoint
        let fromCommandLine: Bool
        switch (flags.endpoint, flags.tracesEndpoint) {
        case (.some, .some):
            throw .settings("--endpoint and --traces-endpoint both name the collector: give one")
        case (.some(let base), nil):
            endpoint = try .base(base, from: "--endpoint")
            fromCommandLine = true
        case (nil, .some(let traces)):
            endpoint = try .traces(traces, from: "--traces-endpoint")
            fromCommandLine = true
        case (nil, nil):
            fromCommandLine = false
            if let v = env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
                endpoint = try .traces(v.value, from: v.name)
            } else if let v = env("OTEL_EXPORTER_OTLP_ENDPOINT") {
                endpoint = try .base(v.value, from: v.name)
            } else {
                endpoint = try .traces(defaultEndpoint, from: "the default endpoint")
            }
        }

        let otlpProtocol: OTLPProtocol
        if let name = flags.otlpProtocol {
            otlpProtocol = try .named(name, from: "--otlp-protocol")
        } else if let v = env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? env("OTEL_EXPORTER_OTLP_PROTOCOL") {
            otlpProtocol = try .named(v.value, from: v.name)
        } else {
            otlpProtocol = .httpProtobuf
        }

        var headers: [CollectorHeaders.Header] = []
        if !fromCommandLine {
            for name in ["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"] {
                if let v = env(name) { headers = CollectorHeaders.merge(headers, try CollectorHeaders.environment(v.value, from: name)) }
            }
        }
        var given: [CollectorHeaders.Header] = []
        for text in flags.headers { given.append(try CollectorHeaders.flag(text)) }
        headers = CollectorHeaders.merge(headers, given)

        let timeout: Double
        if let t = flags.timeout {
            timeout = try checkedTimeout(t, from: "--timeout")
        } else if let v = env("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT") ?? env("OTEL_EXPORTER_OTLP_TIMEOUT") {
            guard let ms = Double(v.value.trimmingSpaces) else {
                throw .settings("\(v.name): '\(v.value)' is not a number of milliseconds")
            }
            timeout = try checkedTimeout(ms / 1000, from: v.name)
        } else {
            timeout = defaultTimeout
        }

        let attempts = flags.attempts ?? defaultAttempts
        guard (1...maximumAttempts).contains(attempts) else {
            throw .settings("--attempts \(attempts): give 1 to \(maximumAttempts) (1 sends once, without retrying)")
        }
        var settings = CollectorSettings(endpoint: endpoint, otlpProtocol: otlpProtocol, headers: headers, timeout: timeout, attempts: attempts)
        for signal in ["", "TRACES_"] {
            if let v = env("OTEL_EXPORTER_OTLP_\(signal)COMPRESSION"), v.value.trimmingSpaces.lowercased() != "none" {
                settings.notes.append("\(v.name)=\(v.value) is not supported: the export is sent uncompressed")
            }
            for kind in ["CERTIFICATE", "CLIENT_KEY", "CLIENT_CERTIFICATE"] {
                if let v = env("OTEL_EXPORTER_OTLP_\(signal)\(kind)") {
                    settings.notes.append("\(v.name) is not supported: TLS uses the system's certificates and no client certificate")
                }
            }
        }
        return settings
    }

    static func checkedTimeout(_ seconds: Double, from source: String) throws(CollectorError) -> Double {
        guard seconds.isFinite, seconds > 0, seconds <= 3600 else {
            throw .settings("\(source): the timeout must be more than 0 and at most an hour")
        }
        return seconds
    }
}
