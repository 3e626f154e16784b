import Foundation
import Synchronization
import Trace

/// Spans made on a thread of their own (an importer reading its log) and handed to the caller
/// in batches as they are made, so that reading a log and replaying it share the two cores.
/// When asked before the first span is taken, the same thread also turns the spans into the
/// trace's native bytes for a second reader (the run's `TraceStore`), in pieces of about a
/// megabyte.
///
/// Memory stays flat: at most `depth` batches and `depth` pieces wait; a producer that gets
/// ahead waits. Batches the caller is done with go back to the producer's thread to be freed
/// there (memory freed by another thread than the one that took it makes both fight over
/// malloc's lock). An error from `produce` reaches the caller after the spans made before it,
/// and the native reader too.
final class SpanPipe: @unchecked Sendable {
    struct Cancelled: Error {}

    private let header: Trace.Header
    private let produce: () throws(TraceError) -> Span?
    private let measure: () -> (done: Int, total: Int)
    private let batchSize: Int
    private let depth: Int
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var started = false
    private var batches = Waiting<[Span]>()
    private var pieces = Waiting<[UInt8]>()
    private var given: [[Span]] = []
    private var ended = false
    private var failure: TraceError?
    private var cancelled = false
    private var nativeWanted = false
    private var nativeAbandoned = false
    // Set by the producer, read by anyone:
    private let done = Atomic<Int>(0)
    private let total = Atomic<Int>(0)
    // The caller's own:
    private var current: [Span] = []
    private var currentHead = 0

    /// `produce` is called on the pipe's thread only, from the first `next()` (or the first
    /// call of `native()`'s producer) until it returns nil or throws; `measure` too, after it.
    init(
        header: Trace.Header, batchSize: Int = 256, depth: Int = 8,
        produce: @escaping () throws(TraceError) -> Span?, measure: @escaping () -> (done: Int, total: Int)
    ) {
        self.header = header
        self.produce = produce
        self.measure = measure
        self.batchSize = batchSize
        self.depth = depth
    }

    /// How far the producer has got (`measure` at its last batch).
    var position: (done: Int, total: Int) { (done.load(ordering: .relaxed), total.load(ordering: .relaxed)) }

    /// The next span, or nil after the last; throws what `produce` threw once the spans made
    /// before it are taken.
    func next() throws(TraceError) -> Span? {
        if currentHead < current.count {
            currentHead += 1
            return current[currentHead - 1]
        }
        condition.lock()
        defer { condition.unlock() }
        startIfNeeded()
        if !current.isEmpty { given.append(current) }
        current = []
        currentHead = 0
        while batches.isEmpty && !ended && !cancelled { condition.wait() }
        if let batch = batches.take() {
            current = batch
            condition.broadcast()
            currentHead = 1
            return current[0]
        }
        if let failure { throw failure }
        return nil
    }

    /// The trace's native bytes, header first, in pieces handed to `sink` as the spans are made
    /// (on the caller's thread, which may be any). Call it before the first `next()`; the
    /// producer it returns may be called once. An error from `sink` stops only the native bytes.
    func native() -> (_ sink: ([UInt8]) throws -> Void) throws -> Void {
        condition.lock()
        precondition(!started, "SpanPipe.native() after the spans started")
        nativeWanted = true
        condition.unlock()
        return { [self] sink in
            while true {
                condition.lock()
                startIfNeeded()
                while pieces.isEmpty && !ended && !cancelled { condition.wait() }
                if cancelled {
                    condition.unlock()
                    throw Cancelled()
                }
                guard let piece = pieces.take() else {
                    let failure = self.failure
                    condition.unlock()
                    if let failure { throw failure }
                    return
                }
                condition.broadcast()
                condition.unlock()
                do {
                    try sink(piece)
                } catch {
                    condition.lock()
                    nativeAbandoned = true
                    pieces = Waiting()
                    condition.broadcast()
                    condition.unlock()
                    throw error
                }
            }
        }
    }

    /// Stops the producer at its next hand-over; `next()` and the native reader return at once.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// With `condition` held.
    private func startIfNeeded() {
        guard !started else { return }
        started = true
        let thread = Thread { [self] in run(native: nativeWanted) }
        thread.name = "agentreplay import"
        thread.start()
    }

    private func run(native: Bool) {
        var batch: [Span] = []
        batch.reserveCapacity(batchSize)
        // Batches given back, emptied here and filled again (no new storage per batch).
        var spare: [[Span]] = []
        var bytes: [UInt8] = []
        if native { TraceWriter.append(header, to: &bytes) }
        var failure: TraceError?
        var last = false
        while !last {
            var span: Span?
            do {
                span = try produce()
            } catch {
                failure = error
            }
            if let span {
                if native { TraceWriter.append(span, to: &bytes) }
                batch.append(span)
            } else {
                last = true
            }
            let piece = native && (last || bytes.count >= 1 << 20)
            guard last || batch.count >= batchSize || piece else { continue }
            let at = measure()
            done.store(at.done, ordering: .relaxed)
            total.store(at.total, ordering: .relaxed)
            condition.lock()
            while !cancelled && (batches.count >= depth || (piece && !nativeAbandoned && pieces.count >= depth)) {
                condition.wait()
            }
            if cancelled {
                condition.unlock()
                return
            }
            if !batch.isEmpty { batches.append(batch) }
            if piece && !nativeAbandoned { pieces.append(bytes) }
            if last {
                ended = true
                self.failure = failure
            }
            var free = given
            given = []
            condition.broadcast()
            condition.unlock()
            for i in free.indices {
                free[i].removeAll(keepingCapacity: true)
                spare.append(free[i])
            }
            free = []
            if let reused = spare.popLast() {
                batch = reused
            } else {
                batch = []
                batch.reserveCapacity(batchSize)
            }
            if piece { bytes.removeAll(keepingCapacity: true) }
        }
    }
}

/// What waits between two threads, first in first out (guarded by the pipe's lock). An item
/// taken is moved out, not copied: the queue keeps no reference to it.
private struct Waiting<Element> {
    private var items: [Element?] = []
    private var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }

    mutating func append(_ item: Element) { items.append(item) }

    /// The oldest item, or nil when none waits.
    mutating func take() -> Element? {
        guard head < items.count else { return nil }
        let item = items[head].take()
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        return item
    }
}
