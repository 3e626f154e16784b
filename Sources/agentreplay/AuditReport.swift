import Audit
import Trace

/// `agentreplay audit`: the calls with their policy, decision and outcome, the risks, and
/// the policy's violations.
enum AuditReport {
    /// The modes, sandboxes and rule sets in force over the session, in order of first use.
    static func modes(_ audit: Audit) -> [String] {
        var seen: [String] = []
        for r in audit.rows {
            let rules = r.policy.rules.isEmpty ? nil : "rules " + r.policy.rules.joined(separator: " ")
            for m in [r.policy.mode, r.policy.sandbox.map { "sandbox " + $0 }, rules].compactMap({ $0 }) where !seen.contains(m) { seen.append(m) }
        }
        return seen
    }

    static func text(_ audit: Audit, trace: Trace, traceName: String, policy: Policy?, palette p: Palette = .plain) -> String {
        let h = trace.header
        var out = ""
        let agent = [h.agentName, h.agentVersion].compactMap { $0 }.joined(separator: " ")
        out += clean("\(traceName): \(agent), \(audit.rows.count) tool call\(audit.rows.count == 1 ? "" : "s")") + "\n"
        let modes = modes(audit)
        out += "policy in force: " + (modes.isEmpty ? "not recorded" : clean(modes.joined(separator: ", ")) + " (recorded)") + "\n"
        let counts = Row.Decision.reportOrder.compactMap { d -> String? in
            let n = audit.rows.filter { $0.decision == d }.count
            return n == 0 ? nil : "\(n) \(d.words)"
        }
        if !counts.isEmpty { out += "decisions: " + counts.joined(separator: ", ") + "\n" }

        out += "\n" + p.paint("calls", .strong) + "\n"
        for r in audit.rows {
            let what = clean(describe(r.request))
            let head = "  " + where_(r.location) + "  " + clean(r.request.tool) + (what.isEmpty ? "" : "  " + what)
            out += (r.decision.refused ? p.paint(head, .bad) : head) + "\n"
            var policyText = [r.policy.mode, r.policy.sandbox.map { "sandbox " + $0 }].compactMap { $0 }.joined(separator: ", ")
            if !r.policy.rules.isEmpty { policyText += (policyText.isEmpty ? "" : ", ") + "\(r.policy.rules.count) rules" }
            if !r.policy.hooks.isEmpty { policyText += (policyText.isEmpty ? "" : ", ") + "hooks " + r.policy.hooks.joined(separator: " ") }
            var line = "      policy: " + (policyText.isEmpty ? "not recorded" : clean(policyText) + " (recorded)")
            line += " · decision: " + r.decision.words
            line += " (" + (r.decidedBy.map { "decided by " + clean($0) + ", " } ?? "") + r.decisionBasis.rawValue + ")"
            line += " · outcome: \(r.outcome.rawValue) (\(r.outcomeBasis.rawValue))"
            out += p.paint(line, .dim) + "\n"
        }

        out += "\n" + p.paint("risks", .strong) + "\n"
        if audit.risks.isEmpty { out += "  none found\n" }
        for c in Risk.Class.allCases {
            for r in audit.risks where r.riskClass == c {
                var line = "  " + pad(c.words, 30) + where_(r.location) + "  " + clean(r.tool) + "  " + clean(r.what)
                if let d = r.domain { line += " → " + clean(d) }
                if r.refused { line += "  (refused: did not run)" }
                out += p.paint(line, c == .destructive || c == .privilege || c == .secret ? .warning : .dim) + "\n"
            }
        }

        if let policy {
            let n = audit.violations.filter { !$0.refused }.count
            let attempts = audit.violations.count - n
            out += "\n" + p.paint("policy \(clean(policy.file))", .strong) + ": "
            out += n == 0 ? p.paint("no violation", .good) : p.paint("\(n) violation\(n == 1 ? "" : "s")", .bad)
            if attempts > 0 { out += ", \(attempts) refused attempt\(attempts == 1 ? "" : "s")" }
            out += "\n"
            for v in audit.violations {
                let rule =
                    v.pattern.map { "\(v.member) \"\(clean($0))\"" + (v.policyLine.map { " (line \($0))" } ?? "") }
                    ?? "\(v.member): host not allowed"
                var line = "  " + rule + ": " + where_(v.location) + "  " + clean(v.tool) + "  " + clean(v.what)
                if v.refused { line += "  (refused: did not run)" }
                out += p.paint(line, .bad) + "\n"
            }
        }
        return out
    }

    /// `#12 turn 3 line 40`: the span's place, the model turn, the log line.
    static func where_(_ l: Location) -> String {
        "#\(l.index) turn \(l.turn)" + (l.line.map { " line \($0)" } ?? "") + " span \(l.spanID)"
    }

    static func describe(_ r: Request) -> String {
        if let command = r.command { return "`" + Risk.shortText(command) + "`" }
        var parts = r.writes.map { "writes " + $0.path } + r.reads.map(\.path)
        parts += r.domains
        return parts.joined(separator: ", ")
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    /// Text from the log made safe for a terminal: control characters (C0, DEL, C1) and
    /// bidirectional overrides shown as `\u{…}` escapes, never sent as they are.
    static func clean(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            let v = u.value
            if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
                out += "\\u{" + String(v, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
