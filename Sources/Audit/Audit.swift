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
        var turnNumber: [Span.ID: Int] = [:]
        var turns = 0
        let context = Request.Context(repoRoot: trace.header.repoRoot)
        for (index, span) in trace.spans.enumerated() {
            if span.kind == .llm {
                turns += 1
                turnNumber[span.id] = turns
                continue
            }
            guard span.kind == .tool else { continue }
            let turn = span.parentID.flatMap { turnNumber[$0] } ?? turns
            let request = Request(span, context: context)
            let row = Row(index: index, span: span, turn: turn, request: request)
            rows.append(row)
            risks += Risk.find(in: row, span: span, request: request)
        }
        self.rows = rows
        self.risks = risks
        self.violations = policy.map { $0.check(rows) } ?? []
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
