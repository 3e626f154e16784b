/// SWE-agent 0.x's file window (`config/commands/defaults.sh`): the open file
/// (`CURRENT_FILE`), the line the window centres on (`CURRENT_LINE`) and its size (`WINDOW`,
/// 100; `OVERLAP`, 2, in `config/default.yaml`). The shell functions compute with `jq`, in
/// floating point, and this does the same, so a window of odd size lands where theirs did.
///
/// A value: the dialect keeps one per replay and moves it as `open`, `goto`, `scroll_*`,
/// `create` and `edit` do; `line` is nil once replay lost track of it (a shell command that
/// called the functions itself), and then only what a view shows is checked, not where.
package struct SWEAgentWindow: Equatable {
    /// The open file as `realpath` printed it (absolute), nil: none open.
    package var file: String?
    package var line: Double?
    package var size: Double = 100
    var overlap: Double = 2

    package init(file: String? = nil, line: Double? = nil, size: Double = 100, overlap: Double = 2) {
        self.file = file
        self.line = line
        self.size = size
        self.overlap = overlap
    }

    /// Which lines `_print` shows of a file of `total` lines: `first...last` (empty when
    /// `last < first`) and the counts of its "(n more lines above/below)" notes (0: none).
    package struct View: Equatable {
        var total: Int
        var first: Int
        var last: Int
        var above: Int
        var below: Int
    }

    /// `_constrain_line`: the line kept at least half a window from either end (the start
    /// winning when the file is shorter than a window).
    static func constrain(_ line: Double, total: Int, size: Double) -> Double {
        let half = (size / 2).rounded(.down)
        return max(min(line, Double(total) - half), half)
    }

    /// `_print`'s arithmetic: `head -n floor(max(line + W/2, W/2)) | tail -n W` of `grep -n`.
    static func view(line: Double, total: Int, size: Double) -> View {
        let head = Int(clamping: Int64(max(line + size / 2, size / 2).rounded(.down)))
        let last = min(head, total)
        let first = max(1, last - Int(size) + 1)
        let above = Int(max(0, line - size / 2).rounded(.down))
        // jq's `round`: half away from zero, as Swift's `.rounded()`.
        let below = Int(max(0, Double(total) - line - size / 2).rounded())
        return View(total: total, first: first, last: last, above: above, below: below)
    }

    /// The line `open FILE N` and `goto N` centre on: N a sixth of a window below the top.
    package static func target(_ n: Int, size: Double) -> Double {
        max(Double(n) + size / 2 - (size / 6).rounded(.down), 1).rounded(.down)
    }

    /// `open`'s line before `_constrain_line`: none given, half a window; past the end, the
    /// last line; 0, the first; else `target`.
    package static func openLine(_ n: Int?, total: Int, size: Double) -> Double {
        guard let n else { return size / 2 }
        if n > total { return Double(total) }
        if n < 1 { return 1 }
        return target(n, size: size)
    }

    /// The view after setting `line` and constraining it, as the functions print it.
    package mutating func show(at line: Double, total: Int) -> View {
        let constrained = Self.constrain(line, total: total, size: size)
        self.line = constrained
        return Self.view(line: constrained, total: total, size: size)
    }

    /// The line `scroll_down` (`+1`) or `scroll_up` (`-1`) moves to, nil when lost.
    package func scrolled(_ direction: Double) -> Double? {
        line.map { $0 + direction * (size - overlap) }
    }

    /// awk's `NR` at the end: the lines of a file, a last one without a newline counted.
    package static func lineCount(_ bytes: [UInt8]) -> Int {
        var n = 0
        for b in bytes where b == 0x0A { n += 1 }
        if let last = bytes.last, last != 0x0A { n += 1 }
        return n
    }
}
