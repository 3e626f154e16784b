import Trace

/// Merges span sequences that each are in recorded order into one, by start time; ties and
/// spans without a time keep their sequence's order (the first sequence wins ties).
enum TimeMerge {
    static func merge(_ sequences: [[Span]]) -> [Span] {
        let nonEmpty = sequences.filter { !$0.isEmpty }
        if nonEmpty.count <= 1 { return nonEmpty.first ?? [] }
        // Each span's effective time: its own, else the latest before it in its sequence.
        var keyed: [(time: Timestamp?, sequence: Int, index: Int)] = []
        for (s, seq) in nonEmpty.enumerated() {
            var last: Timestamp? = nil
            for (i, span) in seq.enumerated() {
                if let t = span.startTime { last = t }
                keyed.append((last, s, i))
            }
        }
        var cursors = Array(repeating: 0, count: nonEmpty.count)
        var offsets: [Int] = []
        var o = 0
        for seq in nonEmpty { offsets.append(o); o += seq.count }
        var out: [Span] = []
        out.reserveCapacity(keyed.count)
        while out.count < keyed.count {
            var best: Int? = nil
            for s in 0..<nonEmpty.count where cursors[s] < nonEmpty[s].count {
                guard let b = best else { best = s; continue }
                let tb = keyed[offsets[b] + cursors[b]].time
                let ts = keyed[offsets[s] + cursors[s]].time
                if let ts, let tb, ts < tb { best = s }
            }
            let s = best!
            out.append(nonEmpty[s][cursors[s]])
            cursors[s] += 1
        }
        return out
    }
}
