import Audit
import Insight
import Replay
import Trace

/// `agentreplay report`: a session as one self-contained HTML page (inline CSS, JS and SVG;
/// nothing fetched), the same bytes for the same input. The page reads without its script;
/// the script adds filters (`#filter=edit|command|read|failed|drift|highlight` in the
/// address opens the page filtered) and counts what is shown.
public enum HTMLReport {
    /// What the page says about where the session came from and what else it was given.
    public struct Context: Sendable {
        /// The trace as the user named it.
        public var traceName: String
        /// Lines for the banner: what a diff or bisect found.
        public var findings: [String]
        /// The session's audit: its section lists the policy in force, the decisions, the
        /// refused calls and the risks (`docs/audit.md`).
        public var audit: Audit?

        public init(traceName: String, findings: [String] = [], audit: Audit? = nil) {
            self.traceName = traceName
            self.findings = findings
            self.audit = audit
        }
    }

    public static func render(_ session: Session, context: Context) -> String {
        let run = session.run
        let s = run.summary
        let spend = session.spend
        let h = session.header
        let agent = [h.agentName, h.agentVersion].compactMap { $0 }.joined(separator: " ")
        let models = spend.models.map(\.model).joined(separator: ", ")
        var out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        out += "<meta name=\"generator\" content=\"agentreplay report\">"
        out += "<title>\(HTML.escape(context.traceName)) — agentreplay report</title>"
        out += "<style>\(Stylesheet.css)</style></head><body>\n"
        out += "<header><div class=\"brand\">agentreplay report</div><h1>\(HTML.escape(context.traceName))</h1>"
        var facts = [agent]
        if !models.isEmpty { facts.append(models) }
        if let interval = session.interval {
            facts.append(TimeText.dateTime(interval.start) + " UTC")
            facts.append(TimeText.duration(milliseconds: TimeText.milliseconds(from: interval.start, to: interval.end)))
        }
        facts.append("base " + (run.baseCommit.map { String($0.hex.prefix(12)) } ?? "empty tree"))
        facts.append("trace " + String(h.traceID.prefix(12)))
        out += "<p class=\"facts\">\(facts.map(HTML.escape).joined(separator: " · "))</p></header>\n<main>\n"

        if !context.findings.isEmpty || session.highlights.contains(where: { $0.kind != .difference }) {
            out += "<div class=\"banner\">"
            for f in context.findings { out += "<p>\(HTML.escape(f))</p>" }
            for mark in session.highlights where mark.kind != .difference {
                out +=
                    "<p><a href=\"#span-\(HTML.escape(mark.spanID.rawValue))\"><span class=\"badge b-\(mark.kind.rawValue)\">\(mark.kind.rawValue)</span></a> \(HTML.escape(mark.detail))</p>"
            }
            out += "</div>\n"
        }

        let noTrace = spend.noTrace
        let totalAdded = session.files.reduce(0) { $0 + $1.finalAdded }
        let totalRemoved = session.files.reduce(0) { $0 + $1.finalRemoved }
        out += "<div class=\"cards\">"
        out += card(
            "cost", spend.complete ? spend.cost.description : (spend.cost == .zero ? "unknown" : "≥ \(spend.cost)"),
            spend.complete ? session.prices.source : "no price for " + spend.models.filter { $0.cost == nil }.map(\.model).joined(separator: ", "))
        out += card(
            "tokens", TimeText.count(spend.usage.total),
            "\(TimeText.count(spend.usage.outputTokens)) out · \(TimeText.count(spend.usage.cacheReadTokens)) cache read")
        out += card("model turns", String(session.modelTurns.count), "\(s.toolCalls) tool calls")
        out += card(
            "files changed", String(s.filesChanged),
            "<span class=\"plus\">+\(totalAdded)</span> <span class=\"minus\">−\(totalRemoved)</span> in the final diff", raw: true)
        out += card(
            "left no trace",
            noTrace.turns == 0
                ? "none"
                : noTrace.unknownTurns > 0 && noTrace.cost == .zero
                    ? "\(noTrace.turns) turn\(noTrace.turns == 1 ? "" : "s")" : noTrace.cost.description,
            "\(spend.reverted.turns) reverted, \(spend.failed.turns) failed turns", warn: noTrace.turns > 0)
        out += card("drift", String(s.drift), "\(spend.failedCalls) failed calls · \(s.notReplayable) not replayable", warn: s.drift > 0)
        out += "</div>\n"

        out += "<h2>Cost per turn</h2>" + CostChart.svg(session) + "\n"

        out += "<h2>Timeline</h2><nav class=\"filters\">"
        for (key, label) in [
            ("all", "all"), ("edit", "edits"), ("command", "commands"), ("read", "reads"), ("failed", "failures"), ("drift", "drift"),
            ("highlight", "highlighted"),
        ] {
            out += "<button type=\"button\" data-filter=\"\(key)\">\(label)</button>"
        }
        out += "<span id=\"shown\" class=\"muted\"></span></nav>\n"
        out += "<div class=\"waterfall\">" + Waterfall.html(session) + "</div>\n"

        out += files(session)
        if let audit = context.audit { out += AuditSection.html(audit) }
        if run.replayed {
            out += "</main><footer>Made by agentreplay from \(HTML.escape(context.traceName)) replayed in memory onto "
            out += "\(run.baseCommit.map { String($0.hex.prefix(12)) } ?? "an empty tree"); final tree \(run.finalTree.hex.prefix(12)). "
        } else {
            out += "</main><footer>Made by agentreplay from \(HTML.escape(context.traceName)), not replayed (no repository). "
        }
        out += "Costs: \(HTML.escape(session.prices.source)).</footer>\n"
        out += "<script>\(Script.js)</script>\n</body></html>\n"
        return out
    }

    static func card(_ title: String, _ value: String, _ detail: String, raw: Bool = false, warn: Bool = false) -> String {
        "<div class=\"card\(warn ? " warn" : "")\"><div class=\"ct\">\(HTML.escape(title))</div><div class=\"cv\">\(HTML.escape(value))</div>"
            + "<div class=\"cd\">\(raw ? detail : HTML.escape(detail))</div></div>"
    }

    static func files(_ session: Session) -> String {
        let written = session.files.filter { $0.written || $0.failedEdits > 0 }
        guard !written.isEmpty else { return "" }
        let number = Dictionary(session.turns.compactMap { t in t.spanID.map { ($0, t.number) } }, uniquingKeysWith: { a, _ in a })
        var out =
            "<h2>Files and hunks</h2><table class=\"files\"><thead><tr><th>file</th><th>written</th><th>lines</th><th>final diff</th><th>turns</th><th>cost</th></tr></thead><tbody>"
        for f in written {
            let turns = f.turns.compactMap { number[$0] }.map { "<a href=\"#turn-\($0)\">\($0)</a>" }.joined(separator: " ")
            out +=
                "<tr><td class=\"path\">\(HTML.escape(f.path))</td><td>\(f.writes)×\(f.failedEdits > 0 ? " <span class=\"minus\">(\(f.failedEdits) failed)</span>" : "")</td>"
            out += "<td><span class=\"plus\">+\(f.added)</span> <span class=\"minus\">−\(f.removed)</span></td>"
            out += "<td><span class=\"plus\">+\(f.finalAdded)</span> <span class=\"minus\">−\(f.finalRemoved)</span></td>"
            out += "<td>\(turns)</td><td>\(f.written ? (f.cost.map(\.description) ?? "unknown") : "")</td></tr>"
            for hunk in session.hunks where hunk.path == f.path {
                let ht = hunk.turns.compactMap { number[$0] }.map { "<a href=\"#turn-\($0)\">\($0)</a>" }.joined(separator: " ")
                out += "<tr class=\"hunk\"><td>@@ -\(hunk.oldStart),\(hunk.oldLines) +\(hunk.newStart),\(hunk.newLines) @@</td><td></td><td></td>"
                out +=
                    "<td><span class=\"plus\">+\(hunk.newLines)</span> <span class=\"minus\">−\(hunk.oldLines)</span></td><td>\(ht)</td><td>\(hunk.cost.map(\.description) ?? "unknown")</td></tr>"
            }
        }
        return out + "</tbody></table>\n"
    }
}
