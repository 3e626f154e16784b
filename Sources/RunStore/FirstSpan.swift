import Trace

/// Spans one at a time with the first one read ahead: its time is the session's start, which
/// the choice of a base needs before the replay takes the spans.
struct FirstSpan {
    /// The first span's start (else end) time, in seconds; nil when it has none.
    let sessionStart: Int64?
    /// The spans, the first one included.
    let next: () throws -> Span?

    init(_ spans: @escaping () throws -> Span?) throws {
        var first = try spans()
        sessionStart = (first?.startTime ?? first?.endTime)?.seconds
        next = {
            if let span = first {
                first = nil
                return span
            }
            return try spans()
        }
    }
}
