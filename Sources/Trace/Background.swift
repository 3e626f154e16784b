import Dispatch

/// Work done on another thread while the caller goes on, and waited for: the project's one way
/// to start a thread (docs/architecture.md, "Threads"). The work runs on a global Dispatch
/// queue; `value()` waits for it and returns what it returned, or throws what it threw
/// (nothing, for work that cannot throw).
///
/// The work is handed over unchecked: the caller keeps to the rule that makes it safe, that
/// the work reads only what no one changes meanwhile and uses no repository handle another
/// thread uses (libgit2: one handle per thread). Wait from one thread.
public final class Background<Value, Failure: Error>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<Value, Failure>?
    private var joined = false

    /// Starts `work` at once.
    public init(_ work: @escaping () throws(Failure) -> Value) {
        let job = Job(work: work)
        DispatchQueue.global().async {
            self.outcome = Result { () throws(Failure) -> Value in try job.work() }
            self.done.signal()
        }
    }

    /// What the work returned (waits for it the first time).
    public func value() throws(Failure) -> Value {
        wait()
        return try outcome!.get()
    }

    /// Waits for the work to end.
    public func wait() {
        if joined { return }
        done.wait()
        joined = true
    }

    private struct Job: @unchecked Sendable {
        let work: () throws(Failure) -> Value
    }
}
