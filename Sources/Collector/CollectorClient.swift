import Foundation
import Synchronization
import Trace
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends one export to an OTLP/HTTP collector: a `POST` of the body to the endpoint, with the
/// protocol's `Content-Type`, the headers and a `User-Agent`, tried again as `RetryPlan`
/// says. Through Foundation's `URLSession` (libcurl underneath on Linux): plain HTTP and TLS,
/// no cache, no cookies; a redirect is not followed (the body would not be sent again by
/// every client, and a collector that moved should be named). Proxies are whatever libcurl
/// makes of the `http_proxy` variables: not tested here.
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
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.timeoutIntervalForRequest = settings.timeout
        let session = URLSession(configuration: configuration, delegate: RedirectRefuser(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }

        var request = URLRequest(url: settings.endpoint.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: settings.timeout)
        request.httpMethod = "POST"
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        for header in settings.headers { request.setValue(header.value, forHTTPHeaderField: header.name) }
        request.setValue(settings.otlpProtocol.contentType, forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body)

        let url = settings.endpoint.display
        var attempt = 0
        while true {
            attempt += 1
            let reason: String
            var after: Double?
            var unreadableRetryAfter = false
            switch Self.exchange(session, request) {
            case .failure(let error):
                guard Self.retryable(error) else {
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

    /// An HTTP answer: status, headers (looked up without regard to case), body.
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: Data

        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    /// One request, waited for: URLSession answers on its own queue, and this thread waits for
    /// that one callback (the one wait of the kind: `docs/architecture.md`, "Threads").
    static func exchange(_ session: URLSession, _ request: URLRequest) -> Result<Answer, URLError> {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        let task = session.dataTask(with: request) { data, response, error in
            if let response = response as? HTTPURLResponse {
                var headers: [String: String] = [:]
                for (k, v) in response.allHeaderFields {
                    if let k = k as? String, let v = v as? String { headers[k] = v }
                }
                let answer = Answer(status: response.statusCode, headers: headers, body: data ?? Data())
                box.value.withLock { $0 = .success(answer) }
            } else {
                box.value.withLock { $0 = .failure((error as? URLError) ?? URLError(.unknown)) }
            }
            done.signal()
        }
        task.resume()
        done.wait()
        return box.value.withLock { $0 } ?? .failure(URLError(.unknown))
    }

    /// Failures worth another attempt: the collector not (yet) listening, a lost connection,
    /// no answer in time. A name that does not resolve, TLS refusing the certificate or a bad
    /// URL will not mend by waiting.
    static func retryable(_ error: URLError) -> Bool {
        switch error.code {
        case .cannotConnectToHost, .networkConnectionLost, .timedOut, .notConnectedToInternet: return true
        default: return false
        }
    }

    static func describe(_ error: URLError, timeout: Double) -> String {
        switch error.code {
        case .cannotConnectToHost: return "could not connect (connection refused: is the collector running, on that port?)"
        case .timedOut: return "no answer within \(seconds(timeout)) (--timeout)"
        case .networkConnectionLost: return "the connection was lost"
        case .notConnectedToInternet: return "no network"
        case .cannotFindHost, .dnsLookupFailed: return "the host's name does not resolve"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return "TLS failed (URLError \(error.code.rawValue)): \(VisibleText.escape(error.localizedDescription))"
        default:
            return "\(VisibleText.escape(error.localizedDescription)) (URLError \(error.code.rawValue))"
        }
    }
}

/// The answer of a request, handed from URLSession's queue to the waiting thread.
private final class ResultBox: Sendable {
    let value = Mutex<Result<CollectorClient.Answer, URLError>?>(nil)
}

/// Answers every redirect with "do not follow", so the 3xx itself comes back.
private final class RedirectRefuser: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
