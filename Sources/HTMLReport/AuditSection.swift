import Audit

/// The report's "Permissions and risks" section: the policy in force, how the calls were
/// decided, then each refused call and each risk, linked to its span on the timeline.
enum AuditSection {
    static func html(_ audit: Audit) -> String {
        var out = "<h2>Permissions and risks</h2>\n"
        var modes: [String] = []
        for r in audit.rows {
            let rules = r.policy.rules.isEmpty ? nil : "rules " + r.policy.rules.joined(separator: " ")
            for m in [r.policy.mode, r.policy.sandbox.map { "sandbox " + $0 }, rules].compactMap({ $0 }) where !modes.contains(m) {
                modes.append(m)
            }
        }
        var counts: [String] = []
        for d in Row.Decision.reportOrder {
            let n = audit.rows.filter { $0.decision == d }.count
            if n > 0 { counts.append("\(n) \(d.words)") }
        }
        out += "<p class=\"muted\">Policy in force: \(HTML.escape(modes.isEmpty ? "not recorded" : modes.joined(separator: ", ") + " (recorded)")). "
        out += "Decisions: \(HTML.escape(counts.isEmpty ? "no tool calls" : counts.joined(separator: ", "))).</p>\n"
        var rows: [(String, Location, String, String)] = []
        for r in audit.rows where r.decision.refused {
            let what = r.request.command.map { Risk.shortText($0) } ?? (r.request.writes + r.request.reads).map(\.path).joined(separator: ", ")
            rows.append((r.decision.words + (r.decidedBy.map { " (" + $0 + ")" } ?? ""), r.location, r.request.tool, what))
        }
        for k in audit.risks {
            rows.append((k.riskClass.words, k.location, k.tool, k.what + (k.domain.map { " → " + $0 } ?? "") + (k.refused ? " (refused)" : "")))
        }
        guard !rows.isEmpty else { return out + "<p>No refused call and no risky call found.</p>\n" }
        out +=
            "<table class=\"files audit\"><thead><tr><th>what</th><th>span</th><th>turn</th><th>log line</th><th>tool</th><th>detail</th></tr></thead><tbody>"
        for (what, l, tool, detail) in rows {
            out += "<tr><td>\(HTML.escape(what))</td><td><a href=\"#span-\(HTML.escape(l.spanID.rawValue))\">#\(l.index)</a></td>"
            out += "<td>\(l.turn)</td><td>\(l.line.map(String.init) ?? "")</td><td>\(HTML.escape(tool))</td><td>\(HTML.escape(detail))</td></tr>"
        }
        return out + "</tbody></table>\n"
    }
}
