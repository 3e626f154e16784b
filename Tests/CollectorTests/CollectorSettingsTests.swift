@testable import Collector
import Foundation
import XCTest

/// Where and how an export is sent: endpoints (base and traces), headers from the command
/// line and the environment, the protocol, timeouts and attempts, and what is refused.
final class CollectorSettingsTests: XCTestCase {
    func resolve(_ flags: CollectorSettings.Flags, _ env: [String: String] = [:]) throws -> CollectorSettings {
        try CollectorSettings.resolve(flags, environment: env)
    }

    func settingsError(_ flags: CollectorSettings.Flags, _ env: [String: String] = [:]) -> String? {
        do {
            _ = try CollectorSettings.resolve(flags, environment: env)
            return nil
        } catch {
            guard case .settings(let message) = error else { return "not a settings error: \(error)" }
            return message
        }
    }

    func testBaseEndpointGetsV1TracesAppended() throws {
        XCTAssertEqual(try resolve(.init(endpoint: "http://127.0.0.1:4318")).endpoint.url.absoluteString, "http://127.0.0.1:4318/v1/traces")
        XCTAssertEqual(try resolve(.init(endpoint: "http://collector/otlp/")).endpoint.url.absoluteString, "http://collector/otlp/v1/traces")
        XCTAssertEqual(try resolve(.init(endpoint: "https://c.example:443/otlp")).endpoint.url.absoluteString, "https://c.example:443/otlp/v1/traces")
        XCTAssertEqual(try resolve(.init(tracesEndpoint: "http://c:4318/custom/path")).endpoint.url.absoluteString, "http://c:4318/custom/path")
    }

    func testDisplayedURLHidesCredentials() throws {
        let s = try resolve(.init(endpoint: "https://user:secret@c.example:8443/base?api_key=k"))
        XCTAssertEqual(s.endpoint.url.absoluteString, "https://user:secret@c.example:8443/base/v1/traces?api_key=k")
        XCTAssertEqual(s.endpoint.display, "https://c.example:8443/base/v1/traces")
    }

    func testEnvironmentEndpointsAndPrecedence() throws {
        XCTAssertEqual(try resolve(.init()).endpoint.url.absoluteString, "http://localhost:4318/v1/traces")
        XCTAssertEqual(try resolve(.init(), ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:1"]).endpoint.url.absoluteString, "http://a:1/v1/traces")
        XCTAssertEqual(
            try resolve(.init(), ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:1", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://b:2/t"])
                .endpoint.url.absoluteString, "http://b:2/t")
        XCTAssertEqual(
            try resolve(.init(endpoint: "http://c:3"), ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://b:2/t"])
                .endpoint.url.absoluteString, "http://c:3/v1/traces")
        // An empty variable is unset.
        XCTAssertEqual(
            try resolve(.init(), ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:1"])
                .endpoint.url.absoluteString, "http://a:1/v1/traces")
    }

    func testBadEndpointsAreRefused() {
        XCTAssertNotNil(settingsError(.init(endpoint: "ftp://c/")))
        XCTAssertNotNil(settingsError(.init(endpoint: "c:4318")))
        XCTAssertNotNil(settingsError(.init(endpoint: "http:///path")))
        XCTAssertNotNil(settingsError(.init(endpoint: "http://c/#x")))
        XCTAssertNotNil(settingsError(.init(endpoint: "http://a", tracesEndpoint: "http://b")))
        XCTAssertEqual(
            settingsError(.init(), ["OTEL_EXPORTER_OTLP_ENDPOINT": "grpc.example:4317"]),
            "OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc.example:4317' is not an http:// or https:// URL (OTLP/HTTP; gRPC is not spoken)")
    }

    func testProtocolChoice() throws {
        XCTAssertEqual(try resolve(.init()).otlpProtocol, .httpProtobuf)
        XCTAssertEqual(try resolve(.init(otlpProtocol: "http/json")).otlpProtocol, .httpJSON)
        XCTAssertEqual(try resolve(.init(), ["OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"]).otlpProtocol, .httpJSON)
        XCTAssertEqual(
            try resolve(.init(), ["OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf"]).otlpProtocol,
            .httpProtobuf)
        XCTAssertEqual(try resolve(.init(otlpProtocol: "http/protobuf"), ["OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"]).otlpProtocol, .httpProtobuf)
        XCTAssertEqual(
            settingsError(.init(otlpProtocol: "grpc")),
            "--otlp-protocol: grpc is not supported, only OTLP/HTTP (http/protobuf, http/json); a collector's OTLP receiver takes both on port 4318")
        XCTAssertEqual(settingsError(.init(otlpProtocol: "json")), "--otlp-protocol: unknown protocol 'json' (known: http/protobuf, http/json)")
        XCTAssertEqual(OTLPProtocol.httpProtobuf.contentType, "application/x-protobuf")
        XCTAssertEqual(OTLPProtocol.httpJSON.contentType, "application/json")
    }

    func testHeadersFromFlagsAndEnvironment() throws {
        let env = [
            "OTEL_EXPORTER_OTLP_HEADERS": "api-key=s%20ecret, x-team = a%2Cb ,,",
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "X-Team=traces",
        ]
        let fromEnv = try resolve(.init(headers: ["x-extra=1=2", "API-KEY=flag"]), env).headers
        XCTAssertEqual(fromEnv.map(\.name), ["API-KEY", "X-Team", "x-extra"])
        XCTAssertEqual(fromEnv.map(\.value), ["flag", "traces", "1=2"])
        // With the endpoint on the command line, the environment's headers are not sent.
        let typed = try resolve(.init(endpoint: "http://elsewhere", headers: ["a=b"]), env).headers
        XCTAssertEqual(typed.map(\.name), ["a"])
        XCTAssertEqual(try resolve(.init(), ["OTEL_EXPORTER_OTLP_HEADERS": "k=%E2%9C%93"]).headers.first?.value, "✓")
    }

    func testBadHeadersAreRefusedWithoutTheirValues() {
        XCTAssertEqual(settingsError(.init(headers: ["novalue"])), "--header 'novalue': expected KEY=VALUE")
        XCTAssertNotNil(settingsError(.init(headers: ["bad name=x"])))
        XCTAssertNotNil(settingsError(.init(headers: ["Content-Type=text/plain"])))
        XCTAssertNotNil(settingsError(.init(headers: ["content-length=3"])))
        let smuggled = settingsError(.init(headers: ["X-A=secret\r\nX-B: injected"]))
        XCTAssertEqual(smuggled, "--header: the value of X-A has a control character")
        XCTAssertFalse(smuggled?.contains("secret") ?? true)
        XCTAssertEqual(
            settingsError(.init(), ["OTEL_EXPORTER_OTLP_HEADERS": "k=%zz"]),
            "OTEL_EXPORTER_OTLP_HEADERS: the value of 'k' has a broken percent-encoding")
        XCTAssertNotNil(settingsError(.init(), ["OTEL_EXPORTER_OTLP_HEADERS": "k=%+f"]))
        XCTAssertNotNil(settingsError(.init(), ["OTEL_EXPORTER_OTLP_HEADERS": "justakey"]))
    }

    func testWhatIsNotDoneIsNamed() throws {
        XCTAssertEqual(try resolve(.init(), ["OTEL_EXPORTER_OTLP_COMPRESSION": "none"]).notes, [])
        XCTAssertEqual(
            try resolve(.init(), ["OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "gzip", "OTEL_EXPORTER_OTLP_CERTIFICATE": "/ca.pem"]).notes,
            [
                "OTEL_EXPORTER_OTLP_CERTIFICATE is not supported: TLS uses the system's certificates and no client certificate",
                "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION=gzip is not supported: the export is sent uncompressed",
            ])
    }

    func testTimeoutAndAttempts() throws {
        XCTAssertEqual(try resolve(.init()).timeout, 10)
        XCTAssertEqual(try resolve(.init(), ["OTEL_EXPORTER_OTLP_TIMEOUT": "2500"]).timeout, 2.5)
        XCTAssertEqual(try resolve(.init(), ["OTEL_EXPORTER_OTLP_TIMEOUT": "2500", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "500"]).timeout, 0.5)
        XCTAssertEqual(try resolve(.init(timeout: 3), ["OTEL_EXPORTER_OTLP_TIMEOUT": "2500"]).timeout, 3)
        XCTAssertNotNil(settingsError(.init(timeout: 0)))
        XCTAssertNotNil(settingsError(.init(timeout: .infinity)))
        XCTAssertNotNil(settingsError(.init(), ["OTEL_EXPORTER_OTLP_TIMEOUT": "ten"]))
        XCTAssertEqual(try resolve(.init()).attempts, 5)
        XCTAssertEqual(try resolve(.init(attempts: 1)).attempts, 1)
        XCTAssertNotNil(settingsError(.init(attempts: 0)))
        XCTAssertNotNil(settingsError(.init(attempts: 101)))
    }
}
