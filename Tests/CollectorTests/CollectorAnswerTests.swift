import CCurl
@testable import Collector
import Foundation
import OTLPProto
import XCTest

/// What a collector's answer means: success, partial success, retry (with Retry-After), and
/// refusal with the collector's message made safe to print; the backoff schedule.
final class CollectorAnswerTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func read(_ status: Int, _ contentType: String?, _ body: Data, retryAfter: String? = nil, sent: OTLPProtocol = .httpProtobuf) -> CollectorAnswer {
        CollectorAnswer.read(status: status, contentType: contentType, retryAfter: retryAfter, body: body, sent: sent, now: now)
    }

    func testSuccessAndPartialSuccess() throws {
        XCTAssertEqual(read(200, "application/x-protobuf", Data()), .accepted(rejectedSpans: 0, message: "", unreadable: false))
        var response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse()
        response.partialSuccess.rejectedSpans = 3
        response.partialSuccess.errorMessage = "too old\u{1B}[2J"
        XCTAssertEqual(
            read(200, "application/x-protobuf", try response.serializedData()),
            .accepted(rejectedSpans: 3, message: "too old\\x1b[2J", unreadable: false))
        XCTAssertEqual(
            read(200, "application/json", Data(#"{"partialSuccess":{"rejectedSpans":"2","errorMessage":"m"}}"#.utf8), sent: .httpJSON),
            .accepted(rejectedSpans: 2, message: "m", unreadable: false))
        XCTAssertEqual(read(200, "application/json", Data("{}".utf8), sent: .httpJSON), .accepted(rejectedSpans: 0, message: "", unreadable: false))
        XCTAssertEqual(read(200, "text/html", Data("<p>ok</p>".utf8)), .accepted(rejectedSpans: 0, message: "", unreadable: true))
    }

    func testRetryableStatusesAndRetryAfter() {
        for status in [429, 502, 503, 504] {
            guard case .retry(_, let after, _) = read(status, nil, Data(), retryAfter: "7") else { return XCTFail("\(status) is retried") }
            XCTAssertEqual(after, 7)
        }
        guard case .retry(let reason, nil, false) = read(503, "text/plain", Data("busy".utf8)) else { return XCTFail() }
        XCTAssertEqual(reason, "HTTP 503: busy")
        guard case .retry(_, nil, true) = read(503, nil, Data(), retryAfter: "soon") else { return XCTFail("unreadable Retry-After") }
        XCTAssertEqual(RetryPlan.retryAfter("Tue, 14 Nov 2023 22:13:40 GMT", now: now), 20)
        XCTAssertEqual(RetryPlan.retryAfter("Tue, 14 Nov 2023 22:00:00 GMT", now: now), 0)
        XCTAssertEqual(RetryPlan.retryAfter(" 0 ", now: now), 0)
        XCTAssertNil(RetryPlan.retryAfter("-1", now: now))
        XCTAssertNil(RetryPlan.retryAfter("1.5", now: now))
        XCTAssertEqual((1...7).map { RetryPlan.backoff(afterAttempt: $0) }, [1, 2, 4, 8, 16, 30, 30])
    }

    func testRefusalsCarryTheCollectorsMessage() throws {
        var status = Google_Rpc_Status()
        status.code = 3
        status.message = "span 2: invalid\u{1B}]0;pwned\u{07} id"
        XCTAssertEqual(
            read(400, "application/x-protobuf", try status.serializedData()),
            .refused(message: "span 2: invalid\\x1b]0;pwned\\x07 id"))
        XCTAssertEqual(
            read(400, "application/json", Data(#"{"code":3,"message":"bad json","details":[]}"#.utf8), sent: .httpJSON),
            .refused(message: "bad json"))
        XCTAssertEqual(read(400, "text/plain; charset=utf-8", Data("  nope\n".utf8)), .refused(message: "nope"))
        XCTAssertEqual(read(401, nil, Data()), .refused(message: "Unauthorized"))
        XCTAssertEqual(
            read(500, "application/x-protobuf", Data([0xFF, 0xFF, 0xFF])),
            .refused(message: "(a body of 3 bytes that is not a google.rpc.Status)"))
        guard case .refused(let long) = read(400, "text/plain", Data(String(repeating: "x", count: 5000).utf8)) else { return XCTFail() }
        XCTAssertEqual(long.count, CollectorAnswer.messageLimit + 1)
    }
}

/// The transport's edges that need no collector: reason phrases, the headers of a request and
/// of an answer, what libcurl's codes mean, and a real libcurl meeting a closed port.
final class CollectorTransportTests: XCTestCase {
    func testReasonPhrases() {
        XCTAssertEqual(CollectorAnswer.reasonPhrase(503), "Service Unavailable")
        XCTAssertEqual(CollectorAnswer.reasonPhrase(418), "Client Error")
        XCTAssertEqual(CollectorAnswer.reasonPhrase(599), "Server Error")
        XCTAssertEqual(CollectorAnswer.reasonPhrase(399), "Redirection")
    }

    func testRequestHeadersInOrderEachNameOnce() throws {
        var settings = try CollectorSettings.resolve(
            .init(endpoint: "http://127.0.0.1:4318", headers: ["x-a=1", "user-agent=mine"]), environment: [:])
        settings.otlpProtocol = .httpJSON
        let headers = CollectorClient(settings: settings, userAgent: "agentreplay/1").requestHeaders()
        XCTAssertEqual(headers.map(\.name), ["user-agent", "x-a", "Content-Type"])
        XCTAssertEqual(headers.map(\.value), ["mine", "1", "application/json"])
    }

    func testAnswerHeadersIgnoreCaseAndJoinRepeats() {
        let answer = CollectorClient.Answer(status: 200, headers: [("Via", "a"), ("retry-after", "3"), ("VIA", "b")], body: Data())
        XCTAssertEqual(answer.header("Retry-After"), "3")
        XCTAssertEqual(answer.header("via"), "a, b")
        XCTAssertNil(answer.header("Location"))
    }

    func testCurlCodes() {
        XCTAssertEqual(CurlTransport.failure(CURLE_COULDNT_CONNECT, said: "x"), .cannotConnect("x"))
        XCTAssertTrue(CurlTransport.failure(CURLE_OPERATION_TIMEDOUT, said: "x").retryable)
        XCTAssertTrue(CurlTransport.failure(CURLE_RECV_ERROR, said: "x").retryable)
        XCTAssertFalse(CurlTransport.failure(CURLE_COULDNT_RESOLVE_HOST, said: "x").retryable)
        XCTAssertFalse(CurlTransport.failure(CURLE_PEER_FAILED_VERIFICATION, said: "x").retryable)
        XCTAssertFalse(CurlTransport.Failure.library("libcurl.so.4 could not be loaded").retryable)
    }

    func testNothingListeningIsACannotConnectFromLibcurl() throws {
        // Port 9 (discard) has no listener on the test machines, as scripts/check-otlp-send.py assumes.
        let result = CurlTransport.post(url: "http://127.0.0.1:9/v1/traces", headers: [("User-Agent", "t")], body: [1, 2, 3], timeout: 5)
        guard case .failure(.cannotConnect(let said)) = result else { return XCTFail("\(result)") }
        XCTAssertTrue(said.contains("127.0.0.1"), said)
    }

    func testNoRequestMadeSaysSo() {
        let error = CollectorError.unavailable(url: "http://h/v1/traces", reason: "libcurl.so.4 could not be loaded", attempts: 0)
        XCTAssertEqual(error.description, "the export was not sent to http://h/v1/traces: libcurl.so.4 could not be loaded")
    }
}
