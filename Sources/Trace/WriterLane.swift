import Foundation

/// The second core's share of writing a trace: batches of lines handed over by the reader are
/// turned into canonical bytes and written on a thread of their own, in the order given, while
/// the caller reads the next ones.
///
/// Memory stays flat: at most `limit` bytes' worth of spans (`weight`, an estimate of what
/// they hold) wait or are being written at any time; a caller that gets ahead waits. A write
/// that fails ends the writing: the error is thrown to the caller at its next hand-over or at
/// `close`, and what is still queued is dropped.
final class WriterLane: @unchecked Sendable {
    /// One line of the trace, in the order the caller gave them.
    enum Line: Sendable {
        case header(Trace.Header)
        case span(Span)
    }

    private let condition = NSCondition()
    private let sink: TraceOutput.Sink
    private let limit: Int
    // Guarded by `condition`:
    private var queue: [(lines: [Line], weight: Int)] = []
    private var head = 0
    private var queuedWeight = 0
    private var closed = false
    private var exited = false
    private var failure: TraceError?
    /// Batches written, given back to be freed by the caller's thread: memory freed by another
    /// thread than the one that took it makes both fight over malloc's lock.
    private var written: [[Line]] = []

    /// Starts the thread that writes into `sink`. From here until `close` or `stop` returns,
    /// only that thread touches `sink`.
    init(sink: TraceOutput.Sink, limit: Int = 8 << 20) {
        self.sink = sink
        self.limit = limit
        let thread = Thread { [self] in run() }
        thread.name = "agentreplay trace writer"
        thread.start()
    }

    /// Queues `lines` (of total `weight`), waiting while the lane holds more than `limit`.
    func put(_ lines: [Line], weight: Int) throws(TraceError) {
        condition.lock()
        defer { condition.unlock() }
        while queuedWeight > 0 && queuedWeight + weight > limit && failure == nil {
            condition.wait()
        }
        if let failure { throw failure }
        queue.append((lines, weight))
        queuedWeight += weight
        let done = written
        written = []
        condition.broadcast()
        condition.unlock()
        _ = consume done
        condition.lock()
    }

    /// Waits until everything queued is written and the thread has ended; throws the first
    /// write error.
    func close() throws(TraceError) {
        condition.lock()
        closed = true
        condition.broadcast()
        while !exited { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
    }

    /// Drops what is queued and waits for the thread to end (the writing was abandoned).
    func stop() {
        condition.lock()
        closed = true
        queue.removeAll()
        head = 0
        condition.broadcast()
        while !exited { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while head == queue.count && !closed { condition.wait() }
            guard head < queue.count else {
                exited = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let (lines, weight) = queue[head]
            queue[head] = ([], 0)
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            }
            let failed = failure != nil
            condition.unlock()
            var error: TraceError?
            if !failed {
                do {
                    for line in lines { try sink.write(line) }
                } catch let e {
                    error = e
                }
            }
            condition.lock()
            written.append(lines)
            queuedWeight -= weight
            if let error, failure == nil {
                failure = error
                queue.removeAll()
                head = 0
                queuedWeight = 0
            }
            condition.broadcast()
            condition.unlock()
        }
    }

    /// About how many bytes `span` holds: its strings and numbers, and a little for each
    /// value and attribute. Cheap next to writing it (no bytes are looked at).
    static func weight(of span: Span) -> Int {
        var total = 256 + span.name.utf8.count
        let attributes = span.attributes.members
        for i in attributes.indices { total += attributes[i].0.utf8.count + weight(of: attributes[i].1) }
        if let input = span.input { total += weight(of: input) }
        if let output = span.output { total += weight(of: output) }
        if let details = span.details { total += weight(of: details) }
        for effect in span.effects { total += 64 + effect.path.utf8.count + (effect.content?.utf8.count ?? 0) }
        return total
    }

    private static func weight(of value: borrowing JSON) -> Int {
        switch value {
        case .null, .bool: return 16
        case .number(let text): return 16 + text.utf8.count
        case .string(let s): return 16 + s.utf8.count
        case .array(let elements):
            var total = 16
            for i in elements.indices { total += weight(of: elements[i]) }
            return total
        case .object(let members):
            var total = 16
            for i in members.indices { total += 16 + members[i].0.utf8.count + weight(of: members[i].1) }
            return total
        }
    }
}
