import Foundation
import Importers
import RunStore
import Trace

/// The progress line of a long command (`run`, `bisect`): one line on standard error,
/// rewritten in place, and only when standard error is a terminal and `--quiet` is not given
/// (never in a pipe, a file or CI logs). With a total it draws a bar:
///
///     agentreplay run: [##########··········]  50%
///
/// It redraws only when what it shows changes (a percent, or every 256 items without a
/// total), so a 100,000-span replay writes a few hundred lines, not 100,000.
final class Progress {
    let task: String
    let enabled: Bool
    private var lastShown = ""
    private var drawn = false

    init(task: String, enabled: Bool) {
        self.task = task
        self.enabled = enabled
    }

    static let width = 20

    /// A bar at `done` of `total` when the total is known (> 0), else `count` `unit` so far.
    func update(_ done: Int, of total: Int, count: Int, unit: String) {
        guard enabled else { return }
        let text: String
        if total > 0 {
            text = Self.bar(done, of: total)
        } else {
            guard count % 256 == 0 else { return }
            text = "\(count) \(unit)"
        }
        guard text != lastShown else { return }
        lastShown = text
        draw(text)
    }

    /// What a replay that stores nothing tells: the bar follows its spans, and nothing is said.
    var spansObserver: RunStore.Observer {
        RunStore.Observer(spans: { self.spans(of: $0) }, finished: { self.clear() })
    }

    /// What `RunStore.replay` reports, shown here and through `console`: the bar follows the
    /// spans, a phase replaces it, a note clears it first, and it is cleared at the end.
    func observer(_ console: Console) -> RunStore.Observer {
        RunStore.Observer(
            spans: { self.spans(of: $0) },
            note: {
                self.clear(); console.note($0)
            },
            phase: { self.show($0) },
            finished: { self.clear() })
    }

    /// `source`'s spans, one at a time, moving the bar as they are read (for `Replayer`).
    func spans(of source: TraceSource) -> () throws -> Span? {
        var count = 0
        return {
            let span = try source.next()
            count += 1
            let at = source.position()
            self.update(at.done, of: at.total, count: count, unit: "spans")
            return span
        }
    }

    /// A free-form status (`probe 3: step 12 of 40`).
    func show(_ text: String) {
        guard enabled else { return }
        draw(text)
    }

    /// Erases the line (before a report or a message is printed).
    func clear() {
        guard enabled, drawn else { return }
        drawn = false
        lastShown = ""
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    private func draw(_ text: String) {
        var line = TerminalText.renderLine("agentreplay \(task): " + text)
        if line.count > 100 { line = String(line.prefix(99)) + "…" }
        drawn = true
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    /// `[#####···············]  25%`
    static func bar(_ done: Int, of total: Int) -> String {
        let fraction = total > 0 ? min(1, max(0, Double(done) / Double(total))) : 0
        let filled = Int(fraction * Double(width))
        let percent = String(Int(fraction * 100))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "·", count: width - filled) + "] "
            + String(repeating: " ", count: max(0, 3 - percent.count)) + percent + "%"
    }
}
