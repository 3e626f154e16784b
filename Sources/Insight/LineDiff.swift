import Analysis

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

    /// The difference between two contents (nil: the file is absent on that side).
    public init(before: [UInt8]?, after: [UInt8]?, context: Int = 3, limit: Int = 400) {
        let a = before ?? [], b = after ?? []
        binary = a.contains(0) || b.contains(0)
        let old = Self.split(a), new = Self.split(b)
        let ops = SequenceDiff.diff(old, new)
        var added = 0, removed = 0
        for op in ops {
            switch op {
            case .equal: break
            case let .delete(r, _): removed += r.count
            case let .insert(r, _): added += r.count
            }
        }
        self.added = added
        self.removed = removed
        truncated = false
        lines = []
        if binary { return }
        // Unified hunks: runs of changes closer than 2×context lines share one hunk.
        var edits: [(old: Range<Int>, new: Range<Int>)] = []
        for op in ops {
            switch op {
            case .equal: continue
            case let .delete(r, at): edits.append((r, at..<at))
            case let .insert(r, at): edits.append((at..<at, r))
            }
        }
        // A deletion followed at once by an insertion at the same place is one replacement.
        var merged: [(old: Range<Int>, new: Range<Int>)] = []
        for e in edits {
            if let last = merged.last, last.old.upperBound == e.old.lowerBound, last.new.upperBound == e.new.lowerBound {
                merged[merged.count - 1] = (last.old.lowerBound..<e.old.upperBound, last.new.lowerBound..<e.new.upperBound)
            } else {
                merged.append(e)
            }
        }
        var i = 0
        while i < merged.count {
            var j = i
            while j + 1 < merged.count, merged[j + 1].old.lowerBound - merged[j].old.upperBound <= 2 * context { j += 1 }
            let oldStart = max(0, merged[i].old.lowerBound - context)
            let oldEnd = min(old.count, merged[j].old.upperBound + context)
            let newStart = merged[i].new.lowerBound - (merged[i].old.lowerBound - oldStart)
            let newEnd = merged[j].new.upperBound + (oldEnd - merged[j].old.upperBound)
            lines.append(.hunk("@@ -\(Self.range(oldStart, oldEnd - oldStart)) +\(Self.range(newStart, newEnd - newStart)) @@"))
            var o = oldStart
            for k in i...j {
                let e = merged[k]
                while o < e.old.lowerBound { lines.append(.context(old[o])); o += 1 }
                for r in e.old { lines.append(.removed(old[r])) }
                for r in e.new { lines.append(.added(new[r])) }
                o = e.old.upperBound
            }
            while o < oldEnd { lines.append(.context(old[o])); o += 1 }
            i = j + 1
        }
        if lines.count > limit {
            lines = Array(lines.prefix(limit))
            truncated = true
        }
    }

    static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? String(start + 1) : "\(count == 0 ? start : start + 1),\(count)"
    }

    static func split(_ bytes: [UInt8]) -> [String] {
        var out = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if out.last?.isEmpty == true { out.removeLast() }
        return out
    }
}
