/// Why an export did not reach the collector, each kind with its own exit status
/// (docs/export.md#exit-status).
public enum CollectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The endpoint, a header, the protocol or a number is not usable (exit 2).
    case settings(String)
    /// The collector answered a status that is not worth retrying (a 4xx other than 429, a
    /// 5xx other than 502, 503 and 504, a redirect): it will not take this export (exit 4).
    /// The message is the collector's own, from its body, cut to `CollectorAnswer.messageLimit`.
    case refused(url: String, status: Int, message: String)
    /// The collector could not be reached, or kept answering "try again later" until the
    /// attempts ran out (exit 5): sending again later may work. `attempts` is 0 when no
    /// request could be made at all (libcurl could not be loaded).
    case unavailable(url: String, reason: String, attempts: Int)

    public var description: String {
        switch self {
        case .settings(let message):
            return message
        case .refused(let url, let status, let message):
            let said = message.isEmpty ? "(no message)" : message
            return "the collector at \(url) refused the export: HTTP \(status): \(said)"
        case .unavailable(let url, let reason, 0):
            return "the export was not sent to \(url): \(reason)"
        case .unavailable(let url, let reason, let attempts):
            let tries = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
            return "the collector at \(url) did not take the export after \(tries): \(reason)"
        }
    }
}
