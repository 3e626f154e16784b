import Insight
import Trace

/// The waterfall's time axis: recorded time mapped onto a line, with long idle gaps (the
/// agent waiting for its user, a session resumed the next day) shrunk to a fixed width and
/// marked, so an 18-hour session with a few busy minutes still shows them.
struct TimeAxis {
    /// A stretch of the axis: recorded milliseconds `from..<to` drawn from `at` on, in axis
    /// milliseconds; a gap is drawn `gapWidth` wide whatever its length.
    struct Segment {
        var from: Int64
        var to: Int64
        var at: Int64
        var gap: Bool
    }

    let origin: Timestamp
    var segments: [Segment] = []
    /// The axis length in axis milliseconds.
    var length: Int64 = 1
    let gapWidth: Int64

    /// Busy intervals are merged; a quiet stretch longer than `maxGap` becomes a gap.
    init(origin: Timestamp, intervals: [(Int64, Int64)], maxGap: Int64 = 60_000) {
        self.origin = origin
        gapWidth = maxGap / 2
        let sorted = intervals.map { ($0.0, max($0.0, $0.1)) }.sorted { $0.0 < $1.0 }
        var merged: [(Int64, Int64)] = []
        for (a, b) in sorted {
            if let last = merged.last, a <= last.1 + maxGap { merged[merged.count - 1].1 = max(last.1, b) } else { merged.append((a, b)) }
        }
        var at: Int64 = 0
        for (i, (a, b)) in merged.enumerated() {
            if i > 0 {
                let previous = merged[i - 1].1
                segments.append(Segment(from: previous, to: a, at: at, gap: true))
                at += gapWidth
            }
            segments.append(Segment(from: a, to: b, at: at, gap: false))
            at += b - a
        }
        length = max(1, at)
    }

    func offset(_ t: Timestamp) -> Int64 { TimeText.milliseconds(from: origin, to: t) }

    /// Where recorded time `t` falls, as a fraction of the axis (0…1).
    func position(_ t: Timestamp) -> Double {
        let ms = offset(t)
        guard let first = segments.first, ms > first.from else { return 0 }
        for s in segments where ms <= s.to {
            let width = s.gap ? gapWidth : s.to - s.from
            let span = max(1, s.to - s.from)
            return (Double(s.at) + Double(ms - s.from) / Double(span) * Double(width)) / Double(length)
        }
        return 1
    }

    /// The gaps, as fractions of the axis, with the time they stand for.
    var gaps: [(at: Double, milliseconds: Int64)] {
        segments.filter(\.gap).map { (Double($0.at) / Double(length), $0.to - $0.from) }
    }
}
