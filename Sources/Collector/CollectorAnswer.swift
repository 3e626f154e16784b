import Foundation
import OTLPProto
import SwiftProtobuf
import Trace

/// What a collector's HTTP answer means for the export (the OTLP specification, "OTLP/HTTP
/// Response"): a 2xx took it, perhaps rejecting some spans (`partial_success`); a retryable
/// status asks to try again; any other status refuses it, its body a `google.rpc.Status`
/// whose message is kept for the user.
enum CollectorAnswer: Equatable {
    /// Taken; `rejectedSpans` of them refused all the same, with the collector's `message`.
    /// `unreadable` when a 2xx body was not an `ExportTraceServiceResponse`.
    case accepted(rejectedSpans: Int64, message: String, unreadable: Bool)
    /// Try again, after `after` seconds when the collector said (`Retry-After`).
    case retry(reason: String, after: Double?, unreadableRetryAfter: Bool)
    case refused(message: String)

    /// Characters of a collector's message kept (the rest is cut, with `…`).
    static let messageLimit = 1000

    static func read(status: Int, contentType: String?, retryAfter: String?, body: Data, sent: OTLPProtocol, now: Date) -> CollectorAnswer {
        let encoding = encoding(of: contentType, sent: sent)
        if (200..<300).contains(status) {
            if body.isEmpty { return .accepted(rejectedSpans: 0, message: "", unreadable: false) }
            guard let response = decode(Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse.self, body, as: encoding) else {
                return .accepted(rejectedSpans: 0, message: "", unreadable: true)
            }
            return .accepted(
                rejectedSpans: response.partialSuccess.rejectedSpans,
                message: clean(response.partialSuccess.errorMessage), unreadable: false)
        }
        let message = errorMessage(status: status, body: body, encoding: encoding)
        if RetryPlan.retryableStatuses.contains(status) {
            let after = retryAfter.flatMap { RetryPlan.retryAfter($0, now: now) }
            return .retry(reason: "HTTP \(status): \(message)", after: after, unreadableRetryAfter: retryAfter != nil && after == nil)
        }
        return .refused(message: message)
    }

    /// The encoding of a body: its `Content-Type`'s, else the request's (what the
    /// specification says a collector answers in); nil for anything else (text, HTML).
    static func encoding(of contentType: String?, sent: OTLPProtocol) -> OTLPProtocol? {
        guard let contentType else { return sent }
        let type = contentType.split(separator: ";").first.map { String($0).trimmingSpaces.lowercased() } ?? ""
        switch type {
        case "application/x-protobuf", "application/protobuf": return .httpProtobuf
        case "application/json": return .httpJSON
        case "": return sent
        default: return nil
        }
    }

    /// The message of an error body: a `google.rpc.Status`'s, else the body as text, else the
    /// status's reason phrase.
    static func errorMessage(status: Int, body: Data, encoding: OTLPProtocol?) -> String {
        if body.isEmpty { return reasonPhrase(status) }
        if let encoding {
            if let s = decode(Google_Rpc_Status.self, body, as: encoding), !s.message.isEmpty { return clean(s.message) }
            if encoding == .httpProtobuf { return "(a body of \(body.count) bytes that is not a google.rpc.Status)" }
        }
        return clean(String(decoding: body, as: UTF8.self))
    }

    static func decode<M: SwiftProtobuf.Message>(_ type: M.Type, _ body: Data, as encoding: OTLPProtocol?) -> M? {
        switch encoding {
        case .httpProtobuf?:
            return try? M(serializedBytes: body)
        case .httpJSON?:
            var options = JSONDecodingOptions()
            options.ignoreUnknownFields = true
            return try? M(jsonUTF8Bytes: body, options: options)
        case nil:
            return nil
        }
    }

    /// A collector's words made safe to show: control characters and the like as visible
    /// escapes (`VisibleText`), spaces at the ends trimmed, cut to `messageLimit` characters.
    static func clean(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let cut = trimmed.count > messageLimit ? String(trimmed.prefix(messageLimit)) + "…" : trimmed
        return VisibleText.escape(cut)
    }

    /// The reason phrase HTTP's status registry gives `status`, else its class's name
    /// (`Client Error` for an unregistered 4xx), as Foundation's `HTTPURLResponse` says them.
    static func reasonPhrase(_ status: Int) -> String {
        if let phrase = reasonPhrases[status] { return phrase }
        switch status {
        case 100..<200: return "Informational"
        case 200..<300: return "Success"
        case 300..<400: return "Redirection"
        case 400..<500: return "Client Error"
        default: return "Server Error"
        }
    }

    private static let reasonPhrases: [Int: String] = [
        100: "Continue", 101: "Switching Protocols", 102: "Processing",
        200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information", 204: "No Content",
        205: "Reset Content", 206: "Partial Content", 207: "Multi-Status", 208: "Already Reported", 226: "IM Used",
        300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
        305: "Use Proxy", 307: "Temporary Redirect", 308: "Permanent Redirect",
        400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
        405: "Method Not Allowed", 406: "Not Acceptable", 407: "Proxy Authentication Required", 408: "Request Timeout",
        409: "Conflict", 410: "Gone", 411: "Length Required", 412: "Precondition Failed", 413: "Payload Too Large",
        414: "URI Too Long", 415: "Unsupported Media Type", 416: "Range Not Satisfiable", 417: "Expectation Failed",
        421: "Misdirected Request", 422: "Unprocessable Entity", 423: "Locked", 424: "Failed Dependency",
        426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests",
        431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
        500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
        504: "Gateway Timeout", 505: "HTTP Version Not Supported", 506: "Variant Also Negotiates",
        507: "Insufficient Storage", 508: "Loop Detected", 510: "Not Extended", 511: "Network Authentication Required",
    ]
}
