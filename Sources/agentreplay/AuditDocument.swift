import Audit
import Trace

/// `agentreplay audit --json`: one versioned, byte-stable document (`docs/audit.md`).
enum AuditDocument {
    static let version: Int64 = 1

    static func json(_ audit: Audit, trace: Trace, policy: Policy?) -> JSON {
        let h = trace.header
        var members: [(String, JSON)] = [
            ("schema", .string("agentreplay.audit")),
            ("version", .number(version)),
            (
                "trace",
                .object([
                    ("id", .string(h.traceID)),
                    ("agent", .string(h.agentName)),
                    ("agent_version", RunDocument.string(h.agentVersion)),
                    ("format", .string(h.sourceFormat)),
                    ("file", RunDocument.string(h.sourceFile)),
                    ("repo_root", RunDocument.string(h.repoRoot)),
                ])
            ),
            ("summary", summary(audit)),
            ("calls", .array(audit.rows.map(row))),
            ("risks", .array(audit.risks.map(risk))),
        ]
        if let policy {
            members.append(
                (
                    "policy",
                    .object([
                        ("file", .string(policy.file)),
                        ("violated", .bool(audit.violatesPolicy)),
                        ("violations", .array(audit.violations.map(violation))),
                    ])
                ))
        } else {
            members.append(("policy", .null))
        }
        return .object(members)
    }

    static func summary(_ audit: Audit) -> JSON {
        var decisions: [(String, JSON)] = []
        for d in Row.Decision.reportOrder {
            let n = audit.rows.filter { $0.decision == d }.count
            if n > 0 { decisions.append((d.rawValue, .number(n))) }
        }
        var risks: [(String, JSON)] = []
        for c in Risk.Class.allCases { risks.append((c.rawValue, .number(audit.risks.filter { $0.riskClass == c }.count))) }
        return .object([
            ("tool_calls", .number(audit.rows.count)),
            ("modes", .array(AuditReport.modes(audit).map(JSON.string))),
            ("decisions", .object(decisions)),
            ("risks", .object(risks)),
            ("violations", .number(audit.violations.filter { !$0.refused }.count)),
            ("refused_attempts", .number(audit.violations.filter(\.refused).count)),
        ])
    }

    static func location(_ l: Location) -> [(String, JSON)] {
        [
            ("index", .number(l.index)), ("span_id", .string(l.spanID.rawValue)), ("turn", .number(l.turn)),
            ("line", l.line.map { .number($0) } ?? .null),
        ]
    }

    static func strings(_ items: [String]) -> JSON { .array(items.map(JSON.string)) }

    static func row(_ r: Row) -> JSON {
        var request: [(String, JSON)] = [("tool", .string(r.request.tool)), ("kind", .string(r.request.kind.rawValue))]
        request.append(("reads", .array(r.request.reads.map(path))))
        request.append(("writes", .array(r.request.writes.map(path))))
        request.append(("command", RunDocument.string(r.request.command)))
        if r.request.command != nil {
            request.append(
                (
                    "commands",
                    .array(
                        r.request.commands.map { c in
                            .object([("words", strings(c.words)), ("wrappers", strings(c.wrappers)), ("redirects", strings(c.redirects))])
                        })
                ))
            request.append(("command_parsed_exactly", .bool(r.request.commandExact)))
        }
        request.append(("domains", strings(r.request.domains)))
        let p = r.policy
        let policy: JSON = .object([
            ("mode", RunDocument.string(p.mode)),
            ("rules", strings(p.rules)),
            ("sandbox", RunDocument.string(p.sandbox)),
            ("writable_roots", strings(p.writableRoots)),
            ("network", p.network.map(JSON.bool) ?? .null),
            ("hooks", strings(p.hooks)),
            ("basis", p.basis.map { .string($0.rawValue) } ?? .null),
        ])
        return .object(
            location(r.location) + [
                ("request", .object(request)),
                ("policy", policy),
                (
                    "decision",
                    .object([
                        ("value", .string(r.decision.rawValue)),
                        ("basis", .string(r.decisionBasis.rawValue)),
                        ("decided_by", RunDocument.string(r.decidedBy)),
                    ])
                ),
                ("outcome", .object([("value", .string(r.outcome.rawValue)), ("basis", .string(r.outcomeBasis.rawValue))])),
            ])
    }

    static func path(_ p: Request.FilePath) -> JSON {
        .object([("path", .string(p.path)), ("inside_repository", .bool(p.insideRepository))])
    }

    static func risk(_ r: Risk) -> JSON {
        .object(
            [("class", .string(r.riskClass.rawValue))] + location(r.location) + [
                ("tool", .string(r.tool)), ("what", .string(r.what)), ("domain", RunDocument.string(r.domain)), ("refused", .bool(r.refused)),
            ])
    }

    static func violation(_ v: Violation) -> JSON {
        .object(
            [
                ("rule", .string(v.member)), ("pattern", RunDocument.string(v.pattern)),
                ("policy_line", v.policyLine.map { .number($0) } ?? .null),
            ] + location(v.location) + [("tool", .string(v.tool)), ("what", .string(v.what)), ("refused", .bool(v.refused))])
    }
}
