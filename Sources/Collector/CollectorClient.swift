import Foundation
import Trace

/// Sends one export to an OTLP/HTTP collector: a `POST` of the body to the endpoint, with the
/// protocol's `Content-Type`, the headers and a `User-Agent`, tried again as `RetryPlan`
/// says. Through libcurl, loaded only when a send happens (`CurlTransport`): plain HTTP and
/// TLS with libcurl's defaults (the system's certificates, verification on), no cache, no
/// cookies; a redirect is not followed (the body would not be sent again by every client, and
/// a collector that moved should be named). Proxies are whatever libcurl makes of the
/// `http_proxy` variables: not tested here.
public struct CollectorClient: Sendable {
    public let settings: CollectorSettings
    /// `agentreplay/<version>`, as the specification asks exporters to say who they are;
    /// a `User-Agent` given with `--header` wins.
    public let userAgent: String

    public init(settings: CollectorSettings, userAgent: String) {
        self.settings = settings
        self.userAgent = userAgent
    }

    /// What the collector said when it took the export.
    public struct Receipt: Sendable, Equatable {
        public var url: String
        public var status: Int
        /// Attempts made, the successful one included.
        public var attempts: Int
        public var bytes: Int
        /// Spans the collector took the request with but refused all the same
        /// (`partial_success.rejected_spans`), and its word on why.
        public var rejectedSpans: Int64
        public var message: String
        /// The 2xx body was not an `ExportTraceServiceResponse`: whether spans were rejected
        /// is not known.
        public var unreadableResponse: Bool
    }

    /// A retry about to happen, for the caller to tell the user.
    public struct Retry: Sendable, Equatable {
        /// The attempt about to be made, and how many there may be.
        public var attempt: Int
        public var attempts: Int
        public var reason: String
        /// Seconds waited first, and whether the collector chose them (`Retry-After`).
        public var wait: Double
        public var fromRetryAfter: Bool
        /// A `Retry-After` was sent that is neither seconds nor an HTTP date.
        public var unreadableRetryAfter: Bool
    }

    public func send(
        _ body: [UInt8], onRetry: (Retry) -> Void = { _ in },
        sleep: (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }
    ) throws(CollectorError) -> Receipt {
        let headers = requestHeaders()
        let url = settings.endpoint.display
        var attempt = 0
        while true {
            attempt += 1
            let reason: String
            var after: Double?
            var unreadableRetryAfter = false
            switch CurlTransport.post(url: settings.endpoint.url.absoluteString, headers: headers, body: body, timeout: settings.timeout) {
            case .failure(.library(let why)):
                throw .unavailable(url: url, reason: why, attempts: 0)
            case .failure(let error):
                guard error.retryable else {
                    throw .unavailable(url: url, reason: Self.describe(error, timeout: settings.timeout), attempts: attempt)
                }
                reason = Self.describe(error, timeout: settings.timeout)
            case .success(let answer):
                switch CollectorAnswer.read(
                    status: answer.status, contentType: answer.header("Content-Type"),
                    retryAfter: answer.header("Retry-After"), body: answer.body,
                    sent: settings.otlpProtocol, now: Date())
                {
                case .accepted(let rejected, let message, let unreadable):
                    return Receipt(
                        url: url, status: answer.status, attempts: attempt, bytes: body.count,
                        rejectedSpans: rejected, message: message, unreadableResponse: unreadable)
                case .refused(var message):
                    if (300..<400).contains(answer.status) {
                        let target = answer.header("Location").map { VisibleText.escape($0) } ?? "(no Location)"
                        message = "a redirect to \(target), not followed: name that URL as the endpoint"
                    }
                    throw .refused(url: url, status: answer.status, message: message)
                case .retry(let r, let a, let unreadable):
                    reason = r
                    after = a
                    unreadableRetryAfter = unreadable
                }
            }
            guard attempt < settings.attempts else {
                throw .unavailable(url: url, reason: reason, attempts: attempt)
            }
            if let after, after > RetryPlan.maximumRetryAfter {
                throw .unavailable(
                    url: url,
                    reason:
                        "\(reason); it asked to wait \(Self.seconds(after)) (Retry-After), more than \(Self.seconds(RetryPlan.maximumRetryAfter))",
                    attempts: attempt)
            }
            let wait = after ?? RetryPlan.backoff(afterAttempt: attempt)
            onRetry(
                Retry(
                    attempt: attempt + 1, attempts: settings.attempts, reason: reason, wait: wait,
                    fromRetryAfter: after != nil, unreadableRetryAfter: unreadableRetryAfter))
            sleep(wait)
        }
    }

    /// `12 s`, `1.5 s`.
    public static func seconds(_ s: Double) -> String {
        s == s.rounded() && s < 1e15 ? "\(Int(s)) s" : "\(s) s"
    }

    /// The request's headers in order, each name once: the `User-Agent`, the settings' headers
    /// (a `User-Agent` among them replacing ours), the protocol's `Content-Type`.
    func requestHeaders() -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        func set(_ name: String, _ value: String) {
            if let i = headers.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) {
                headers[i] = (name, value)
            } else {
                headers.append((name, value))
            }
        }
        set("User-Agent", userAgent)
        for header in settings.headers { set(header.name, header.value) }
        set("Content-Type", settings.otlpProtocol.contentType)
        return headers
    }

    /// An HTTP answer: status, headers in the order they came, body.
    struct Answer {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: Data

        /// A header's value, looked up without regard to case; a name sent more than once
        /// gives its values joined by `, ` (RFC 9110, 5.3).
        func header(_ name: String) -> String? {
            let values = headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
            return values.isEmpty ? nil : values.joined(separator: ", ")
        }
    }

    static func describe(_ error: CurlTransport.Failure, timeout: Double) -> String {
        switch error {
        case .cannotConnect(let said): return "could not connect (connection refused: is the collector running, on that port?): \(said)"
        case .timedOut: return "no answer within \(seconds(timeout)) (--timeout)"
        case .connectionLost(let said): return "the connection was lost: \(said)"
        case .cannotResolve(let said): return "the host's name does not resolve: \(said)"
        case .tls(let said): return "TLS failed: \(said)"
        case .library(let said), .other(let said): return said
        }
    }
}
