import Trace

/// Glossary of the audit.
///
/// - **Audit**: what a session was allowed to do and what decided each call: one `Row` per
///   tool call, the `Risk`s it ran, and, against a `Policy`, the `Violation`s.
/// - **Row**: a tool call: what it asked for (`Request`), the policy in force, the decision
///   and who made it, the outcome; each part `recorded` (the log states it) or `inferred`.
/// - **Risk**: a call of a risky class (a write outside the repository, a read of a secret,
///   network access, a destructive command, privilege), with where it is.
/// - **Policy**: globs a session is checked against (`deny_write`, `deny_read`,
///   `deny_command`, `allow_domain`); **Violation**: a call a rule refuses.
///
/// Everything comes from the trace: the permission records the importers carry
/// (`Permission`), the tool inputs and outputs. Nothing is replayed or run.
public struct Audit: Sendable {
    public var rows: [Row]
    public var risks: [Risk]
    public var violations: [Violation]

    /// Whether the session broke its policy: some call that ran matches a rule. A refused
    /// call (denied, blocked, cancelled) did not run; its matches are attempts, listed but
    /// not failing the check.
    public var violatesPolicy: Bool { violations.contains { !$0.refused } }

    /// Audits `trace`, checking it against `policy` when one is given.
    public init(_ trace: Trace, policy: Policy? = nil) {
        var rows: [Row] = []
        var risks: [Risk] = []
        var walker = Walker(repoRoot: trace.header.repoRoot)
        for span in trace.spans {
            guard let (row, found) = walker.take(span) else { continue }
            rows.append(row)
            risks += found
        }
        self.rows = rows
        self.risks = risks
        self.violations = policy.map { $0.check(rows) } ?? []
    }

    /// The audit of a trace taken a span at a time, for a reader that does not hold the whole
    /// trace (the index): the row and risks of each tool call, numbered as `Audit` numbers them.
    public struct Walker: Sendable {
        private var turnNumber: [Span.ID: Int] = [:]
        private var turns = 0
        private var index = 0
        private let context: Request.Context

        /// `index` and `turns`: the position and model turns of spans already taken (a
        /// reading resumed part-way through a log).
        public init(repoRoot: String?, index: Int = 0, turns: Int = 0) {
            context = Request.Context(repoRoot: repoRoot)
            self.index = index
            self.turns = turns
        }

        /// The next span: its row and risks when it is a tool call, else nil.
        public mutating func take(_ span: Span) -> (Row, [Risk])? {
            defer { index += 1 }
            if span.kind == .llm {
                turns += 1
                turnNumber[span.id] = turns
                return nil
            }
            guard span.kind == .tool else { return nil }
            let turn = span.parentID.flatMap { turnNumber[$0] } ?? turns
            let request = Request(span, context: context)
            let row = Row(index: index, span: span, turn: turn, request: request)
            return (row, Risk.find(in: row, span: span, request: request))
        }
    }
}

/// Whether the log states a thing or the audit infers it.
public enum Basis: String, Sendable {
    case recorded, inferred
}

/// Where a finding is: the span, its position, the model turn and the log line.
public struct Location: Sendable, Equatable {
    /// The span's position in the trace (`#n` in `run` and `show`).
    public var index: Int
    public var spanID: Span.ID
    /// 1-based among the model turns; 0 before the first.
    public var turn: Int
    /// The line of the source log the call was read from.
    public var line: Int?

    public init(index: Int, spanID: Span.ID, turn: Int, line: Int?) {
        self.index = index
        self.spanID = spanID
        self.turn = turn
        self.line = line
    }
}
