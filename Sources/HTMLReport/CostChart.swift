import Insight
import Trace

/// Cost per model turn as a bar chart (inline SVG): one bar per turn, its height the turn's
/// cost (or its tokens when a cost is unknown), its colour what the turn left in the final
/// diff. Each bar links to its turn on the timeline.
enum CostChart {
    static func svg(_ session: Session) -> String {
        let turns = session.modelTurns
        guard !turns.isEmpty else { return "<p class=\"muted\">No model turns.</p>" }
        let byCost = session.spend.complete
        func value(_ t: Turn) -> Double {
            byCost ? Double(t.cost?.picodollars ?? 0) : Double(t.usage.total)
        }
        let top = max(1, turns.map(value).max() ?? 1)
        let width = 1000.0, height = 160.0, gap = turns.count > 120 ? 0.0 : 1.0
        let step = width / Double(turns.count)
        var out =
            "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height) + 4)\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"\(byCost ? "cost" : "tokens") per model turn\">"
        for f in [0.25, 0.5, 0.75] {
            let y = HTML.number(height - height * f)
            out += "<line class=\"grid\" x1=\"0\" x2=\"\(Int(width))\" y1=\"\(y)\" y2=\"\(y)\"/>"
        }
        for (i, t) in turns.enumerated() {
            let h = max(1.5, height * value(t) / top)
            let x = Double(i) * step
            let label = byCost ? (t.cost?.description ?? "cost unknown") : "\(TimeText.count(t.usage.total)) tokens"
            out +=
                "<a href=\"#turn-\(t.number)\"><rect class=\"o-\(t.outcome.rawValue)\" x=\"\(HTML.number(x + gap / 2))\" y=\"\(HTML.number(height - h))\" "
            out += "width=\"\(HTML.number(max(0.5, step - gap)))\" height=\"\(HTML.number(h))\">"
            out += "<title>turn \(t.number): \(HTML.escape(label)) — \(t.outcome.rawValue)</title></rect></a>"
        }
        out += "</svg>"
        let scale =
            byCost
            ? "tallest bar: \(Money(picodollars: HTML.int64(top)).description)"
            : "tallest bar: \(TimeText.count(HTML.int64(top))) tokens (bars show tokens: a model's cost is unknown)"
        out += "<div class=\"legend\"><span class=\"key o-kept\"></span>kept in the final diff "
        out += "<span class=\"key o-reverted\"></span>reverted later <span class=\"key o-failed\"></span>every call failed "
        out += "<span class=\"key o-none\"></span>read, ran or answered <span class=\"muted\">· \(HTML.escape(scale))</span></div>"
        return out
    }
}
