import Trace

/// The spans of one log file in the order they were made, each with its effective time (its
/// own start, else the latest before it: what `TimeMerge` orders by), whose front may be
/// handed on while the back still grows.
///
/// Indices are absolute: a span keeps its index after the ones before it are taken, so an
/// importer can still find a model turn it is merging lines into.
struct SpanLog {
    /// nil once taken (moved out, not copied).
    private var spans: [Span?] = []
    private var times: [Timestamp?] = []
    /// Spans taken from the front, of which `head` are still in `spans`'s storage.
    private var taken = 0
    private var head = 0
    /// The effective time of the last span taken.
    private var takenTime: Timestamp?
    /// The effective time of the last span appended.
    private(set) var lastTime: Timestamp?

    var startIndex: Int { taken }
    var endIndex: Int { taken + spans.count - head }
    var isEmpty: Bool { head == spans.count }

    mutating func append(_ span: Span) {
        if let t = span.startTime { lastTime = t }
        spans.append(span)
        times.append(lastTime)
    }

    /// The span at absolute index `i` (`startIndex ..< endIndex`).
    subscript(i: Int) -> Span {
        get { spans[i - taken + head]! }
        set { spans[i - taken + head] = newValue }
    }

    /// The front span's effective time (nil when it has none, or when the log is empty).
    var firstTime: Timestamp? { isEmpty ? nil : times[head] }

    /// Takes the front span.
    mutating func removeFirst() -> Span {
        let span = spans[head].take()!
        takenTime = times[head]
        head += 1
        taken += 1
        if head >= 4096 && head * 2 >= spans.count {
            spans.removeFirst(head)
            times.removeFirst(head)
            head = 0
        }
        return span
    }

    /// Takes every span left, with the effective time of the span before the first of them.
    mutating func removeAll() -> (spans: [Span], timeBefore: Timestamp?) {
        let before = takenTime
        var rest: [Span] = []
        rest.reserveCapacity(spans.count - head)
        for i in head..<spans.count { rest.append(spans[i].take()!) }
        taken += rest.count
        if !rest.isEmpty { takenTime = times[times.count - 1] }
        spans.removeAll()
        times.removeAll()
        head = 0
        return (rest, before)
    }
}
