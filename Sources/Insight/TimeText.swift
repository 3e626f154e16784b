import Trace

/// Times and durations as people read them, in UTC, from the recorded times alone (never
/// this machine's clock or zone).
public enum TimeText {
    /// `2025-06-01 10:00:03` (UTC).
    public static func dateTime(_ t: Timestamp) -> String { date(t) + " " + time(t) }

    /// `10:00:03` (UTC).
    public static func time(_ t: Timestamp) -> String {
        let s = ((t.seconds % 86_400) + 86_400) % 86_400
        return two(s / 3600) + ":" + two(s / 60 % 60) + ":" + two(s % 60)
    }

    /// `2025-06-01` (UTC), by the civil-from-days algorithm.
    public static func date(_ t: Timestamp) -> String {
        let days = t.seconds / 86_400 - (t.seconds % 86_400 < 0 ? 1 : 0)
        let (y, m, d) = Timestamp.civilFromDays(Int(days))
        return String(y) + "-" + two(Int64(m)) + "-" + two(Int64(d))
    }

    /// Milliseconds from `a` to `b`.
    public static func milliseconds(from a: Timestamp, to b: Timestamp) -> Int64 {
        // Saturating: the times are a log's.
        b.seconds.saturatingSubtract(a.seconds).saturatingMultiply(1000)
            .saturatingAdd(Int64(b.nanoseconds) / 1_000_000 - Int64(a.nanoseconds) / 1_000_000)
    }

    /// `850ms`, `12s`, `3m12s`, `1h04m`.
    public static func duration(milliseconds ms: Int64) -> String {
        if ms < 1000 { return "\(max(0, ms))ms" }
        let s = ms / 1000
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + two(s % 60) + "s" }
        return "\(s / 3600)h" + two(s / 60 % 60) + "m"
    }

    /// `12,345`.
    public static func count(_ n: Int64) -> String {
        let digits = String(n.magnitude)  // Int64.min included
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : String(n) }
}
