import CCurl
import Foundation
import Trace

/// One `POST` through libcurl, which `CCurl` loads the first time a send happens (a process
/// that sends nothing never maps it). libcurl's defaults stand for everything not set here:
/// the system's CA certificates with verification on, the `http_proxy`/`https_proxy`/`no_proxy`
/// variables, redirects not followed. No cookies, no cache (libcurl keeps neither unless asked).
enum CurlTransport {
    /// Why a request got no HTTP answer.
    enum Failure: Error, Equatable {
        /// libcurl.so.4 could not be loaded or initialised; the message names it.
        case library(String)
        /// Nothing accepted the connection (refused, unreachable).
        case cannotConnect(String)
        case timedOut
        /// The connection closed before a whole answer came.
        case connectionLost(String)
        case cannotResolve(String)
        case tls(String)
        case other(String)

        /// Worth another attempt: the collector not (yet) listening, a lost connection, no
        /// answer in time. A name that does not resolve, TLS refusing the certificate, a bad
        /// URL or a missing libcurl will not mend by waiting.
        var retryable: Bool {
            switch self {
            case .cannotConnect, .timedOut, .connectionLost: return true
            case .library, .cannotResolve, .tls, .other: return false
            }
        }
    }

    /// `body` posted to `url` with `headers` (in order, each name once), waiting at most
    /// `timeout` seconds in all.
    static func post(url: String, headers: [(name: String, value: String)], body: [UInt8], timeout: Double) -> Result<
        CollectorClient.Answer, Failure
    > {
        if let error = agentreplay_curl_load() { return .failure(.library(String(cString: error))) }
        guard let handle = agentreplay_curl_easy_init() else { return .failure(.other("libcurl could not make a request (curl_easy_init)")) }
        defer { agentreplay_curl_easy_cleanup(handle) }

        var list: UnsafeMutablePointer<curl_slist>?
        defer { agentreplay_curl_slist_free_all(list) }
        for header in headers {
            // `Name:` with nothing after it would remove the header; `Name;` sends it empty.
            let line = header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
            guard let appended = agentreplay_curl_slist_append(list, line) else { return .failure(.other("out of memory for the headers")) }
            list = appended
        }
        // libcurl asks `Expect: 100-continue` before a large body and waits for it; the body
        // goes at once, as it did through URLSession.
        if !headers.contains(where: { $0.name.lowercased() == "expect" }) {
            guard let appended = agentreplay_curl_slist_append(list, "Expect:") else { return .failure(.other("out of memory for the headers")) }
            list = appended
        }

        let received = Received()
        let context = Unmanaged.passUnretained(received).toOpaque()
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let milliseconds = max(1, Int((timeout * 1000).rounded(.up)))
        let code: CURLcode = body.withUnsafeBufferPointer { bytes in
            errorBuffer.withUnsafeMutableBufferPointer { errors in
                var set = [
                    agentreplay_curl_setopt_pointer(handle, CURLOPT_URL, url),
                    agentreplay_curl_setopt_long(handle, CURLOPT_POST, 1),
                    // Never NULL, even for no bytes: libcurl would read the body from stdin.
                    agentreplay_curl_setopt_pointer(
                        handle, CURLOPT_POSTFIELDS, UnsafeRawPointer(bytes.baseAddress) ?? UnsafeRawPointer(errors.baseAddress!)),
                    agentreplay_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)),
                    agentreplay_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, list),
                    agentreplay_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds),
                    agentreplay_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0),
                    agentreplay_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errors.baseAddress),
                    agentreplay_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, receiveBody),
                    agentreplay_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context),
                    agentreplay_curl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, receiveHeader),
                    agentreplay_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context),
                ]
                set.removeAll { $0 == CURLE_OK }
                if let refused = set.first { return refused }
                return withExtendedLifetime(received) { agentreplay_curl_easy_perform(handle) }
            }
        }
        guard code == CURLE_OK else {
            let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let said = detail.isEmpty ? String(cString: agentreplay_curl_easy_strerror(code)) : detail
            return .failure(failure(code, said: VisibleText.escape(said.trimmingSpaces)))
        }
        var status = 0
        _ = agentreplay_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(CollectorClient.Answer(status: status, headers: received.headers, body: Data(received.body)))
    }

    /// What libcurl's `code` means for a send; `said` is its own words.
    static func failure(_ code: CURLcode, said: String) -> Failure {
        switch code {
        case CURLE_COULDNT_CONNECT: return .cannotConnect(said)
        case CURLE_OPERATION_TIMEDOUT: return .timedOut
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE: return .connectionLost(said)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .cannotResolve(said)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_CRL_BADFILE:
            return .tls("\(said) (CURLcode \(code.rawValue))")
        default: return .other("\(said) (CURLcode \(code.rawValue))")
        }
    }

    /// The answer as libcurl hands it over, the headers of the last response only (an
    /// interim `100 Continue` has its own).
    final class Received {
        var body: [UInt8] = []
        var headers: [(name: String, value: String)] = []
    }
}

private let receiveBody: curl_write_callback = { data, size, count, context in
    guard let data, let context else { return 0 }
    let received = Unmanaged<CurlTransport.Received>.fromOpaque(context).takeUnretainedValue()
    let n = size * count
    data.withMemoryRebound(to: UInt8.self, capacity: n) { received.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
    return n
}

/// One header line (`Name: value\r\n`) a call; a status line starts a response's headers.
private let receiveHeader: curl_write_callback = { data, size, count, context in
    guard let data, let context else { return 0 }
    let received = Unmanaged<CurlTransport.Received>.fromOpaque(context).takeUnretainedValue()
    let n = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: n) { String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self) }
    if line.hasPrefix("HTTP/") {
        received.headers = []
    } else if let colon = line.firstIndex(of: ":") {
        let name = String(line[..<colon]).trimmingSpaces
        let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespacesAndNewlines)
        if !name.isEmpty { received.headers.append((name, value)) }
    }
    return n
}
