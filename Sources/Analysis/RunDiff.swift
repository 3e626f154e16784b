import Git
import Replay
import Trace

/// Two runs of the same task compared span by span (DESIGN.md §5).
///
/// The tool calls of both runs are aligned by a Myers diff over their `SpanKey`s; within a
/// stretch of unmatched calls, calls to the same tool on the same file are paired as *same
/// call, different input*. Every aligned pair and every unpaired call is classified, and the
/// first divergence (first non-identical position) and first state divergence (first point
/// after which the replayed trees differ) are named on both sides.
public struct RunDiff: Sendable {
    /// One side's view of a tool call: enough to name it in a report.
    public struct Side: Sendable, Equatable {
        /// The span's position in its run (0-based, all spans counted).
        public var index: Int
        /// The call's position among its run's tool calls.
        public var call: Int
        public var spanID: Span.ID
        public var tool: String?
        public var callID: String?
        public var paths: [String]
        public var verdict: Verdict
    }

    public enum Class: String, Sendable, CaseIterable {
        case identical
        case onlyInA = "only-in-a"
        case onlyInB = "only-in-b"
        case differentInput = "different-input"
        case differentOutput = "different-output"
        case differentEffect = "different-effect"
    }

    public struct Entry: Sendable, Equatable {
        public var kind: Class
        public var a: Side?
        public var b: Side?
        /// For `only-in-…` entries, where the other run stood: the side of the next call there.
        public var otherPosition: Side?
    }

    /// Every aligned position, in order (identical ones included).
    public var entries: [Entry]
    /// The first entry that is not identical, by position in `entries`.
    public var firstDivergence: Int?
    /// The first entry after which the two replayed trees differ; -1 when the bases differ.
    public var firstStateDivergence: Int?
    public var finalTreesEqual: Bool

    public var differences: [Entry] { entries.filter { $0.kind != .identical } }
    public var identical: Bool { firstDivergence == nil && finalTreesEqual }
}

extension RunDiff {
    /// Compares `a` and `b`: each a trace (for inputs and outputs) and its run.
    public static func compare(a: (trace: Trace, run: Run), b: (trace: Trace, run: Run)) -> RunDiff {
        // The two sides' keys are made at once, the second on another thread (each reads only
        // its own run).
        let second = Background { Calls(trace: b.trace, run: b.run) }
        let left = Calls(trace: a.trace, run: a.run)
        let right = second.value()
        var entries: [Entry] = []
        for op in SequenceDiff.diff(left.keys, right.keys) {
            switch op {
            case let .equal(ar, br):
                for (i, j) in zip(ar, br) {
                    entries.append(Entry(kind: classifyAligned(left, i, right, j), a: left.side(i), b: right.side(j)))
                }
            case let .delete(r, at):
                entries += unmatched(left: Array(r), right: [], left, right, aNext: r.upperBound, bNext: at)
            case let .insert(r, at):
                entries += unmatched(left: [], right: Array(r), left, right, aNext: at, bNext: r.upperBound)
            }
        }
        entries = mergeReplacements(entries, left, right)
        let first = entries.firstIndex { $0.kind != .identical }
        return RunDiff(
            entries: entries, firstDivergence: first,
            firstStateDivergence: stateDivergence(entries, left, right, a.run, b.run),
            finalTreesEqual: a.run.finalTree == b.run.finalTree)
    }

    static func classifyAligned(_ left: Calls, _ i: Int, _ right: Calls, _ j: Int) -> Class {
        let sa = left.steps[i], sb = right.steps[j]
        let afterA = sa.changes.map { "\($0.path)=\($0.after?.hex ?? "-")" }
        let afterB = sb.changes.map { "\($0.path)=\($0.after?.hex ?? "-")" }
        if afterA != afterB || sa.verdict != sb.verdict { return .differentEffect }
        if !Calls.sameOutput(left, i, right, j) { return .differentOutput }
        return .identical
    }

    /// A stretch of calls only one side has, or a delete next to an insert: pair calls to the
    /// same tool on the same file as *different input*, the rest as only-in-a / only-in-b.
    static func unmatched(left lefts: [Int], right rights: [Int], _ left: Calls, _ right: Calls, aNext: Int, bNext: Int) -> [Entry] {
        lefts.map { Entry(kind: .onlyInA, a: left.side($0), b: nil, otherPosition: right.sideOrEnd(bNext)) }
            + rights.map { Entry(kind: .onlyInB, a: nil, b: right.side($0), otherPosition: left.sideOrEnd(aNext)) }
    }

    /// Within each maximal stretch of only-in entries, pairs an only-in-a call with the first
    /// unpaired only-in-b call to the same tool on the same paths; the pair stands where the A
    /// call stood, the B call's own entry is dropped.
    static func mergeReplacements(_ entries: [Entry], _ left: Calls, _ right: Calls) -> [Entry] {
        func isOnly(_ e: Entry) -> Bool { e.kind == .onlyInA || e.kind == .onlyInB }
        var out: [Entry] = []
        var i = 0
        while i < entries.count {
            guard isOnly(entries[i]) else { out.append(entries[i]); i += 1; continue }
            var j = i
            while j < entries.count, isOnly(entries[j]) { j += 1 }
            var stretch = Array(entries[i..<j])
            var dropped = Set<Int>()
            for x in stretch.indices {
                guard stretch[x].kind == .onlyInA, let a = stretch[x].a, !a.paths.isEmpty else { continue }
                let y = stretch.indices.first { y in
                    stretch[y].kind == .onlyInB && !dropped.contains(y) && stretch[y].b?.tool == a.tool && stretch[y].b?.paths == a.paths
                }
                guard let y else { continue }
                stretch[x] = Entry(kind: .differentInput, a: a, b: stretch[y].b)
                dropped.insert(y)
            }
            out += stretch.indices.filter { !dropped.contains($0) }.map { stretch[$0] }
            i = j
        }
        return out
    }

    /// The first entry after which the trees of the two sides differ.
    static func stateDivergence(_ entries: [Entry], _ left: Calls, _ right: Calls, _ a: Run, _ b: Run) -> Int? {
        if a.baseTree != b.baseTree { return -1 }
        var treeA = a.baseTree, treeB = b.baseTree
        for (n, e) in entries.enumerated() {
            if let s = e.a { treeA = left.steps[s.call].treeAfter }
            if let s = e.b { treeB = right.steps[s.call].treeAfter }
            if treeA != treeB { return n }
        }
        return a.finalTree == b.finalTree ? nil : entries.count
    }
}

/// One run's tool calls, with their keys and outputs.
struct Calls {
    var steps: [Run.Step] = []
    var keys: [SpanKey] = []
    var outputs: [JSON?] = []
    var root: String?

    init(trace: Trace, run: Run) {
        root = trace.header.repoRoot
        let count = trace.spans.reduce(0) { $1.kind == .tool ? $0 + 1 : $0 }
        steps.reserveCapacity(count)
        keys.reserveCapacity(count)
        outputs.reserveCapacity(count)
        for (span, step) in zip(trace.spans, run.steps) where span.kind == .tool {
            steps.append(step)
            keys.append(SpanKey(span, root: root))
            outputs.append(span.output)
        }
    }

    /// Whether two calls' outputs are the same once each run's root is taken out: outputs
    /// equal as recorded under the same root are, without normalising them.
    static func sameOutput(_ left: Calls, _ i: Int, _ right: Calls, _ j: Int) -> Bool {
        if left.root == right.root && left.outputs[i] == right.outputs[j] { return true }
        return SpanKey.normalise(left.outputs[i], root: left.root) == SpanKey.normalise(right.outputs[j], root: right.root)
    }

    func side(_ i: Int) -> RunDiff.Side {
        let s = steps[i]
        return RunDiff.Side(index: s.index, call: i, spanID: s.spanID, tool: s.toolName, callID: s.callID, paths: s.paths, verdict: s.verdict)
    }

    func sideOrEnd(_ i: Int) -> RunDiff.Side? { i < steps.count ? side(i) : nil }
}
