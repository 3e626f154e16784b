import Analysis
import Git

/// A file change as people read it: the lines a span added and removed, with a little
/// context, in unified-diff hunks (`@@ -a,b +c,d @@`).
public struct LineDiff: Sendable, Equatable {
    public enum Line: Sendable, Equatable {
        case hunk(String)
        case context(String)
        case added(String)
        case removed(String)
    }

    public var added: Int
    public var removed: Int
    /// Empty for binary content; cut after `limit` lines (`truncated`).
    public var lines: [Line]
    public var binary: Bool
    public var truncated: Bool

    /// The difference between two contents (nil: the file is absent on that side), as
    /// libgit2 diffs them (`LinePatch`, `git diff`'s algorithm and its bound on the work).
    /// Should libgit2 refuse (a side over its 1 GiB limit, or memory short), the lines are
    /// counted by `SequenceDiff` instead and none is shown (`truncated`).
    public init(before: [UInt8]?, after: [UInt8]?, context: Int = 3, limit: Int = 400) {
        let a = before ?? [], b = after ?? []
        binary = a.contains(0) || b.contains(0)
        added = 0
        removed = 0
        truncated = false
        lines = []
        guard let patch = try? LinePatch(old: a, new: b, context: context) else {
            for op in SequenceDiff.diff(Self.split(a), Self.split(b)) {
                switch op {
                case .equal: break
                case let .delete(r, _): removed += r.count
                case let .insert(r, _): added += r.count
                }
            }
            truncated = true
            return
        }
        for hunk in patch.hunks {
            if !binary, lines.count < limit {
                lines.append(.hunk("@@ -\(Self.range(hunk.oldStart, hunk.oldCount)) +\(Self.range(hunk.newStart, hunk.newCount)) @@"))
            }
            for line in hunk.lines {
                var bytes = line.content[...]
                if bytes.last == 0x0A { bytes = bytes.dropLast() }
                let text = String(decoding: bytes, as: UTF8.self)
                let entry: Line
                switch line.origin {
                case .context: entry = .context(text)
                case .added: added += 1; entry = .added(text)
                case .removed: removed += 1; entry = .removed(text)
                }
                if !binary, lines.count < limit { lines.append(entry) }
            }
        }
        if binary { lines = [] }
        truncated = !binary && patch.hunks.reduce(0, { $0 + 1 + $1.lines.count }) > limit
    }

    /// `git diff`'s hunk range: the start line, and the count unless it is 1 (a count of 0
    /// starts at the line before).
    static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? String(start) : "\(start),\(count)"
    }

    static func split(_ bytes: [UInt8]) -> [String] {
        var out = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if out.last?.isEmpty == true { out.removeLast() }
        return out
    }
}
