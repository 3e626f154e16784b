import Foundation

/// When a send is tried again: on the statuses the OTLP specification names as retryable
/// (429, 502, 503, 504) and when the collector cannot be reached, at most `attempts` times in
/// all. The wait before each new attempt is the collector's `Retry-After` when it sends one
/// (seconds or an HTTP date), else 1 s doubled each time up to 30 s. No jitter: one process
/// sends one request, so there is no herd to spread.
public enum RetryPlan {
    public static let retryableStatuses: Set<Int> = [429, 502, 503, 504]
    /// A longer `Retry-After` ends the send (exit 5, saying what was asked) rather than
    /// leaving a command waiting for minutes.
    public static let maximumRetryAfter = 60.0
    public static let firstBackoff = 1.0
    public static let maximumBackoff = 30.0

    /// The wait after the `failed`-th attempt failed without a `Retry-After`.
    public static func backoff(afterAttempt failed: Int) -> Double {
        min(firstBackoff * pow(2, Double(max(failed, 1) - 1)), maximumBackoff)
    }

    /// Seconds a `Retry-After` value asks for: a whole number of seconds, or an HTTP date
    /// (IMF-fixdate) from `now`; nil when it is neither. A date in the past is 0.
    public static func retryAfter(_ value: String, now: Date) -> Double? {
        let text = value.trimmingSpaces
        if !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            return Double(text.prefix(9)).map { text.count > 9 ? 1e9 : $0 }
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
