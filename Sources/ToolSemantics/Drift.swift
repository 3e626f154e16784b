import Trace

/// A recorded observation that contradicts the replayed files: what the agent saw (a Read's
/// result, an edit's before-image, a recorded patch) is not what replay holds at that moment.
public struct Drift: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A read or view showed different content.
        case observation
        /// An edit's recorded before-image differs from the replayed file.
        case beforeImage = "before-image"
        /// The replayed edit's result differs from what the agent recorded it wrote.
        case afterImage = "after-image"
        /// The agent saw a file that replay does not have, or did not see one replay has.
        case existence
        /// A recorded tree id differs from the replayed tree.
        case tree
    }

    public var kind: Kind
    public var path: String
    /// The 1-based line of the first difference, when the difference is in content.
    public var line: Int?
    /// That line as recorded and as replayed (nil when past the end).
    public var recorded: String?
    public var replayed: String?
    /// Spans before this one whose unseen effects (shell commands) may explain the drift.
    public var suspects: [Span.ID]

    /// Whether a call replay could not follow may have made the difference (it has suspects):
    /// then it is no contradiction of the replay, only what those calls left unverified.
    public var explained: Bool { !suspects.isEmpty }

    public init(kind: Kind, path: String, line: Int? = nil, recorded: String? = nil, replayed: String? = nil, suspects: [Span.ID] = []) {
        self.kind = kind
        self.path = path
        self.line = line
        self.recorded = recorded
        self.replayed = replayed
        self.suspects = suspects
    }

    /// Compares two texts line by line; nil when equal, else a drift at the first difference.
    /// A recorded line that holds `REDACTED` agrees with a replayed one as `Redaction` says:
    /// the log's keeper removed what was there, which is no contradiction.
    package static func compare(recorded: [UInt8], replayed: [UInt8], kind: Kind, path: String) -> Drift? {
        if recorded == replayed { return nil }
        let a = Bytes.lines(recorded)
        let b = Bytes.lines(replayed)
        var i = 0
        while i < a.count, i < b.count, a[i] == b[i] || Redaction.lineMatches(recorded: a[i], replayed: b[i]) { i += 1 }
        if i == a.count && i == b.count && (recorded.last == 0x0A) == (replayed.last == 0x0A) { return nil }
        func text(_ lines: [ArraySlice<UInt8>], _ i: Int) -> String? {
            guard i < lines.count else { return nil }
            let s = String(decoding: lines[i], as: UTF8.self)
            return s.count > 300 ? String(s.prefix(300)) + "…" : s
        }
        if i == a.count && i == b.count {
            // Same lines: the difference is the final newline.
            return Drift(
                kind: kind, path: path, line: max(1, a.count), recorded: recorded.last == 0x0A ? "(ends with a newline)" : "(no newline at end)",
                replayed: replayed.last == 0x0A ? "(ends with a newline)" : "(no newline at end)")
        }
        return Drift(kind: kind, path: path, line: i + 1, recorded: text(a, i), replayed: text(b, i))
    }
}
