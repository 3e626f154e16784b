import Analysis
import Trace

/// A span a comparison or a bisect singled out, to be marked on the timeline.
public struct Highlight: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The first call where this run and the other part ways (`diff`).
        case divergence
        /// The first call after which the two runs' files differ (`diff`).
        case stateDivergence = "state-divergence"
        /// Another difference between the two runs.
        case difference
        /// The first span whose edits break the tests (`bisect`).
        case culprit
        /// One of the spans a bisect could not tell apart, or a minimal failing set's member.
        case candidate
    }

    public var kind: Kind
    public var spanID: Span.ID
    /// For people: what was found, in a line.
    public var detail: String

    public init(kind: Kind, spanID: Span.ID, detail: String) {
        self.kind = kind
        self.spanID = spanID
        self.detail = detail
    }

    /// The marks a diff of this run (side `a`) against another puts on this run's spans:
    /// the first divergence, the first state divergence, and every other difference.
    public static func marks(of diff: RunDiff, otherName: String) -> [Highlight] {
        var out: [Highlight] = []
        for (position, entry) in diff.entries.enumerated() where entry.kind != .identical {
            guard let side = entry.a ?? entry.otherPosition else { continue }
            let what: String
            switch entry.kind {
            case .onlyInA: what = "only in this run"
            case .onlyInB:
                what =
                    "\(otherName) makes a call here that this run does not"
                    + (entry.b.map { " (\($0.tool ?? "tool") \($0.paths.joined(separator: ", ")))" } ?? "")
            case .differentInput: what = "same call as \(otherName), different input"
            case .differentOutput: what = "same call as \(otherName), different output"
            case .differentEffect: what = "same call as \(otherName), different effect on the files"
            case .identical: continue
            }
            let kind: Kind = position == diff.firstDivergence ? .divergence : .difference
            out.append(Highlight(kind: kind, spanID: side.spanID, detail: (kind == .divergence ? "first divergence from \(otherName): " : "") + what))
        }
        if let at = diff.firstStateDivergence, at >= 0, at < diff.entries.count, let side = diff.entries[at].a ?? diff.entries[at].otherPosition {
            out.append(Highlight(kind: .stateDivergence, spanID: side.spanID, detail: "after this call the files differ from \(otherName)'s"))
        }
        return out
    }
}
