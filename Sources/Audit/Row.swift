import Trace

/// One tool call of the audit: what it asked for, the policy in force, the decision and who
/// made it, and how it ended; each part recorded or inferred.
public struct Row: Sendable {
    /// A decision: one a log can record (`Permission.Decision`), recorded or inferred, or one
    /// only the audit speaks of.
    public enum Decision: Hashable, Sendable {
        case decided(Permission.Decision)
        /// It ran, but the log does not say whether a rule allowed it or the user approved it.
        case allowed
        /// No result is recorded: the session ended (or the log was cut) before it.
        case unknown

        /// Every decision, in the order the reports count them: allowed, then refused, then unknown.
        public static let reportOrder: [Decision] = [
            .decided(.allowedByPolicy), .decided(.approvedByUser), .allowed, .decided(.deniedByUser), .decided(.deniedByPolicy),
            .decided(.blockedByHook), .decided(.blockedBySandbox), .decided(.cancelled), .unknown,
        ]

        /// The name in `audit --json`: `Permission.Decision`'s, `allowed` or `unknown`.
        public var rawValue: String {
            switch self {
            case .decided(let d): d.rawValue
            case .allowed: "allowed"
            case .unknown: "unknown"
            }
        }

        /// Words for the text report.
        public var words: String {
            switch self {
            case .decided(.allowedByPolicy): "allowed by policy"
            case .decided(.approvedByUser): "approved by the user"
            case .decided(.deniedByUser): "denied by the user"
            case .decided(.deniedByPolicy): "denied by a permission rule"
            case .decided(.blockedByHook): "blocked by a hook"
            case .decided(.blockedBySandbox): "blocked by the sandbox"
            case .decided(.cancelled): "cancelled"
            case .allowed: "allowed (by a rule or the user: the log does not say)"
            case .unknown: "unknown (no result recorded)"
            }
        }

        /// Whether the call was kept from running.
        public var refused: Bool {
            guard case .decided(let d) = self else { return false }
            return [.deniedByUser, .deniedByPolicy, .blockedByHook, .blockedBySandbox, .cancelled].contains(d)
        }
    }

    /// The policy in force for the call.
    public struct Policy: Sendable {
        /// The approval mode (`agentreplay.permission.mode`).
        public var mode: String?
        public var rules: [String]
        public var sandbox: String?
        public var writableRoots: [String]
        public var network: Bool?
        public var hooks: [String]
        public var basis: Basis?
    }

    public enum Outcome: String, Sendable {
        case ok, failed, refused
        /// The log holds no result.
        case none
    }

    public var location: Location
    public var request: Request
    public var policy: Policy
    public var decision: Decision
    public var decisionBasis: Basis
    /// Who or what decided, as the log says it or as inferred (`mode bypassPermissions`).
    public var decidedBy: String?
    public var outcome: Outcome
    /// Whether the log records the outcome (a result and its status).
    public var outcomeBasis: Basis

    init(index: Int, span: Span, turn: Int, request: Request) {
        let a = span.attributes
        location = Location(index: index, spanID: span.id, turn: turn, line: a[GenAI.sourceLine]?.intValue.map(Int.init))
        self.request = request
        let strings = { (name: String) in (a[name]?.arrayValue ?? []).compactMap(\.stringValue) }
        policy = Policy(
            mode: a[Permission.mode]?.stringValue, rules: strings(Permission.rules), sandbox: a[Permission.sandbox]?.stringValue,
            writableRoots: strings(Permission.writableRoots), network: a[Permission.network]?.boolValue, hooks: strings(Permission.hooks),
            basis: nil)
        if policy.mode != nil || policy.sandbox != nil || !policy.rules.isEmpty { policy.basis = .recorded }
        let hasResult = span.status != .unset || span.output != nil
        if let recorded = a[Permission.decision]?.stringValue.flatMap(Permission.Decision.init(rawValue:)).map(Decision.decided) {
            decision = recorded
            decisionBasis = .recorded
            decidedBy = a[Permission.decidedBy]?.stringValue
        } else {
            (decision, decidedBy) = Self.infer(
                policy: policy, kind: request.kind, tool: request.tool, hasResult: hasResult,
                requested: a[Permission.requested]?.boolValue == true)
            decisionBasis = .inferred
        }
        if decision.refused {
            outcome = .refused
        } else {
            outcome = !hasResult ? .none : (span.failed ? .failed : .ok)
        }
        outcomeBasis = .recorded
    }

    /// Claude Code tools that never ask, whatever the mode (they only look or plan).
    static let claudeCodeNeverAsks: Set<String> = [
        "Read", "Glob", "Grep", "LS", "NotebookRead", "TodoWrite", "TodoRead", "Task", "Agent", "ExitPlanMode", "EnterPlanMode",
        "TaskCreate", "TaskGet", "TaskList", "TaskUpdate", "TaskOutput", "ToolSearch", "AskUserQuestion", "Skill", "BashOutput",
    ]

    /// What decided a call the log records no decision for, from the mode in force.
    static func infer(policy: Policy, kind: Request.Kind, tool: String, hasResult: Bool, requested: Bool) -> (Decision, String?) {
        guard hasResult else { return (.unknown, nil) }
        guard let mode = policy.mode else { return (.allowed, nil) }
        switch mode {
        // Claude Code.
        case "bypassPermissions", "dontAsk":
            return (.decided(.allowedByPolicy), "mode " + mode)
        case "acceptEdits" where kind == .write || kind == .read:
            return (.decided(.allowedByPolicy), "mode " + mode)
        case "default", "acceptEdits", "plan", "auto":
            if claudeCodeNeverAsks.contains(tool) || kind == .read { return (.decided(.allowedByPolicy), "mode " + mode) }
            return (.allowed, nil)
        // Codex.
        case "never":
            return (.decided(.allowedByPolicy), "approval_policy never")
        case "on-request", "on-failure", "untrusted":
            if requested { return (.decided(.approvedByUser), "user") }
            return (.decided(.allowedByPolicy), policy.sandbox.map { "sandbox " + $0 } ?? "approval_policy " + mode)
        default:
            return (.allowed, nil)
        }
    }
}
