/// Myers' O((N+M)·D) difference algorithm over two sequences of hashable elements, as
/// `git diff` uses it: cost grows with the size of the difference, not with the product of
/// the lengths. The result is the edit script as runs of kept, deleted and inserted elements.
public enum SequenceDiff {
    public enum Operation: Equatable, Sendable {
        /// `a[aRange]` equals `b[bRange]` element for element.
        case equal(aRange: Range<Int>, bRange: Range<Int>)
        /// `a[range]` is not in `b`.
        case delete(Range<Int>, at: Int)
        /// `b[range]` is not in `a`.
        case insert(Range<Int>, at: Int)
    }

    /// The shortest edit script turning `a` into `b`.
    public static func diff<T: Hashable>(_ a: [T], _ b: [T]) -> [Operation] {
        // Trim the common prefix and suffix: most real differences are small and local.
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let aMid = Array(a[prefix..<(a.count - suffix)])
        let bMid = Array(b[prefix..<(b.count - suffix)])
        var ops: [Operation] = []
        if prefix > 0 { ops.append(.equal(aRange: 0..<prefix, bRange: 0..<prefix)) }
        for op in middle(aMid, bMid) {
            switch op {
            case let .equal(ar, br): ops.append(.equal(aRange: shift(ar, prefix), bRange: shift(br, prefix)))
            case let .delete(r, at): ops.append(.delete(shift(r, prefix), at: at + prefix))
            case let .insert(r, at): ops.append(.insert(shift(r, prefix), at: at + prefix))
            }
        }
        if suffix > 0 {
            ops.append(.equal(aRange: (a.count - suffix)..<a.count, bRange: (b.count - suffix)..<b.count))
        }
        return coalesce(ops)
    }

    static func shift(_ r: Range<Int>, _ by: Int) -> Range<Int> { (r.lowerBound + by)..<(r.upperBound + by) }

    /// The largest edit distance searched for, after the common prefix and suffix are
    /// trimmed. The trace of the search takes memory O(D²) and time O((N+M)·D): past this
    /// (two files of thousands of lines with nothing in common, as a hostile log can make)
    /// the middle is given as deleted whole and inserted whole — an edit script still, just
    /// not the shortest — so memory stays under 2,048² words (32 MiB) and time linear in the
    /// input times 2,048 (docs/security.md, "Limits").
    public static let maxDistance = 2_048

    /// Myers' forward greedy algorithm with a trace of V arrays, then a backtrack.
    static func middle<T: Hashable>(_ a: [T], _ b: [T]) -> [Operation] {
        let n = a.count, m = b.count
        if n == 0 && m == 0 { return [] }
        if n == 0 { return [.insert(0..<m, at: 0)] }
        if m == 0 { return [.delete(0..<n, at: 0)] }
        let max = n + m
        let offset = max + 1
        var v = [Int](repeating: 0, count: 2 * max + 3)
        var trace: [[Int]] = []
        var finalD = 0
        search: for d in 0...max {
            if d > maxDistance { return [.delete(0..<n, at: 0), .insert(0..<m, at: n)] }
            // Keep only the diagonals step d can read (k in -d...d): memory O(D²), not O(D·(N+M)).
            trace.append(Array(v[(offset - d)...(offset + d)]))
            var k = -d
            while k <= d {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                v[offset + k] = x
                if x >= n && y >= m { finalD = d; break search }
                k += 2
            }
        }
        // Backtrack from (n, m) to (0, 0), collecting single-element steps in reverse.
        var steps: [Operation] = []
        var x = n, y = m
        for d in stride(from: finalD, to: 0, by: -1) {
            let vd = trace[d]  // vd[i] is diagonal i - d
            let k = x - y
            let prevK = (k == -d || (k != d && vd[k - 1 + d] < vd[k + 1 + d])) ? k + 1 : k - 1
            let prevX = vd[prevK + d]
            let prevY = prevX - prevK
            while x > prevX && y > prevY {
                x -= 1; y -= 1
                steps.append(.equal(aRange: x..<(x + 1), bRange: y..<(y + 1)))
            }
            if x == prevX {
                y -= 1
                steps.append(.insert(y..<(y + 1), at: x))
            } else {
                x -= 1
                steps.append(.delete(x..<(x + 1), at: y))
            }
        }
        while x > 0 && y > 0 {
            x -= 1; y -= 1
            steps.append(.equal(aRange: x..<(x + 1), bRange: y..<(y + 1)))
        }
        return coalesce(steps.reversed())
    }

    /// Merges adjacent operations of the same kind.
    static func coalesce(_ ops: [Operation]) -> [Operation] {
        var out: [Operation] = []
        for op in ops {
            guard let last = out.last else { out.append(op); continue }
            switch (last, op) {
            case let (.equal(a1, b1), .equal(a2, b2)) where a1.upperBound == a2.lowerBound && b1.upperBound == b2.lowerBound:
                out[out.count - 1] = .equal(aRange: a1.lowerBound..<a2.upperBound, bRange: b1.lowerBound..<b2.upperBound)
            case let (.delete(r1, at1), .delete(r2, _)) where r1.upperBound == r2.lowerBound:
                out[out.count - 1] = .delete(r1.lowerBound..<r2.upperBound, at: at1)
            case let (.insert(r1, at1), .insert(r2, _)) where r1.upperBound == r2.lowerBound:
                out[out.count - 1] = .insert(r1.lowerBound..<r2.upperBound, at: at1)
            default:
                out.append(op)
            }
        }
        return out
    }
}
