import Insight
import Sessions
import Trace

/// `agentreplay sessions`: one line per session, in columns.
enum SessionsReport {
    /// The longest first prompt shown.
    static let promptWidth = 60

    static func text(_ sessions: [SessionSummary], repository: String?, prices: PriceTable, palette: Palette) -> String {
        guard !sessions.isEmpty else {
            return repository.map { "no agent sessions recorded in \($0)\n" } ?? "no agent sessions found\n"
        }
        let ids = SessionName.shortIDs(sessions)
        var rows: [[String]] = [
            ["id", "agent", "start (UTC)", "took", "turns", "tools", "files", "cost", repository == nil ? "directory" : "", "first prompt"]
        ]
        var errors: [Int: String] = [:]
        for (i, s) in sessions.enumerated() {
            let agent = Printable.line(s.agent + (s.agentVersion.map { " " + $0 } ?? ""))
            if let error = s.error {
                errors[rows.count] = Printable.line(SessionSummary.oneLine(error, 160))
                rows.append([ids[i], agent])
                continue
            }
            let start = s.start.map { String(TimeText.dateTime($0).prefix(16)) } ?? "—"
            let took = s.durationMilliseconds.map { TimeText.duration(milliseconds: $0) } ?? "—"
            let (cost, complete) = s.cost(prices: prices)
            let costText =
                s.models.isEmpty && s.unnamedTokens == 0
                ? "—"
                : complete ? cost.description : cost == .zero ? "?" : cost.description + "+?"
            let prompt = s.firstPrompt.map { "“" + Printable.line(SessionSummary.oneLine($0, promptWidth)) + "”" } ?? ""
            rows.append([
                ids[i], agent, start, took, String(s.modelTurns), String(s.toolCalls), String(s.filesChanged), costText,
                repository == nil ? Printable.line(s.cwd ?? "?") : "", prompt,
            ])
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for (r, row) in rows.enumerated() where errors[r] == nil {
            for (c, cell) in row.enumerated() { widths[c] = max(widths[c], cell.count) }
        }
        widths[0] = max(widths[0], rows.map { $0[0].count }.max() ?? 0)
        widths[1] = max(widths[1], rows.map { $0[1].count }.max() ?? 0)
        let rightAligned: Set<Int> = [3, 4, 5, 6, 7]
        var out = ""
        for (r, row) in rows.enumerated() {
            var cells: [String] = []
            for (c, cell) in row.enumerated() where widths[c] > 0 {
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                cells.append(rightAligned.contains(c) ? pad + cell : cell + pad)
            }
            var line = cells.joined(separator: "  ")
            if let error = errors[r] { line += "  " + palette.paint("cannot read: " + error, .bad) }
            while line.hasSuffix(" ") { line.removeLast() }
            out += (r == 0 ? palette.paint(line, .dim) : line) + "\n"
        }
        return out
    }
}
