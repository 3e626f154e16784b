import Trace

/// Merges span sequences that each are in recorded order into one, by start time; ties and
/// spans without a time keep their sequence's order (the first sequence wins ties).
///
/// A span never comes before its parent: when a log's times go backwards (a clock change, a
/// line logged late, a hand-edited file), the span whose parent is still to come in another
/// sequence waits for it, so the trace stays one a reader accepts (parents first).
///
/// A parent that is in none of the sequences counts as out already (the rest of a merge whose
/// first spans were handed on).
enum TimeMerge {
    /// `leadingTimes[s]`, when given, is the effective time sequence `s` had before its first
    /// span (the rest of a sequence whose front was handed on).
    static func merge(_ sequences: [[Span]], leadingTimes: [Timestamp?] = []) -> [Span] {
        let kept = sequences.indices.filter { !sequences[$0].isEmpty }
        let nonEmpty = kept.map { sequences[$0] }
        if nonEmpty.count <= 1 { return nonEmpty.first ?? [] }
        // Each span's effective time: its own, else the latest before it in its sequence.
        var keyed: [(time: Timestamp?, sequence: Int, index: Int)] = []
        for (s, seq) in nonEmpty.enumerated() {
            var last: Timestamp? = kept[s] < leadingTimes.count ? leadingTimes[kept[s]] : nil
            for (i, span) in seq.enumerated() {
                if let t = span.startTime { last = t }
                keyed.append((last, s, i))
            }
        }
        var cursors = Array(repeating: 0, count: nonEmpty.count)
        var offsets: [Int] = []
        var o = 0
        for seq in nonEmpty { offsets.append(o); o += seq.count }
        var pending = Set(nonEmpty.joined().map(\.id))
        var out: [Span] = []
        out.reserveCapacity(keyed.count)
        while out.count < keyed.count {
            // The earliest head whose parent is out already; if every head waits (parents
            // crossing between sequences both ways), the earliest head.
            var best: Int? = nil
            var bestReady = false
            for s in 0..<nonEmpty.count where cursors[s] < nonEmpty[s].count {
                let parent = nonEmpty[s][cursors[s]].parentID
                let ready = parent.map { !pending.contains($0) } ?? true
                guard let b = best else { best = s; bestReady = ready; continue }
                if ready != bestReady {
                    if ready { best = s; bestReady = true }
                    continue
                }
                let tb = keyed[offsets[b] + cursors[b]].time
                let ts = keyed[offsets[s] + cursors[s]].time
                if let ts, let tb, ts < tb { best = s }
            }
            let s = best!
            let span = nonEmpty[s][cursors[s]]
            pending.remove(span.id)
            out.append(span)
            cursors[s] += 1
        }
        return out
    }
}
