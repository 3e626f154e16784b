/// Lines of a blob and the line diff that carries ownership from one version to the next.
///
/// A line is its bytes up to and including `\n`; a last line without `\n` is a line too and
/// differs from the same text with one, as in git. The diff is the one `git diff` computes, in
/// three steps: the common prefix and suffix are found on the bytes (a `memcmp`-like scan,
/// then cut back to line boundaries), lines of the rest that occur on one side only are set
/// aside as changed (git's xdiff does the same before Myers: they can never match), and Myers'
/// algorithm (`SequenceDiff`) aligns what remains. An edit in a large file therefore costs
/// about the bytes of the file plus the lines it touched. A very large remainder (a rewrite
/// that reorders thousands of lines) is first cut at the patience diff's anchors, so no
/// single Myers run is large enough to take quadratic memory.
enum BlameText {
    static let newline: UInt8 = 0x0A

    /// The number of lines in `bytes`.
    static func lineCount(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { b in
            var n = 0
            for byte in b where byte == newline { n += 1 }
            if let last = b.last, last != newline { n += 1 }
            return n
        }
    }

    /// Calls `body` with the byte range of every line, in order (`\n` included).
    static func forEachLine(_ bytes: [UInt8], _ body: (Range<Int>) -> Void) {
        var start = 0
        bytes.withUnsafeBufferPointer { b in
            for i in 0..<b.count where b[i] == newline {
                body(start..<(i + 1))
                start = i + 1
            }
        }
        if start < bytes.count { body(start..<bytes.count) }
    }

    /// The byte ranges of the lines in `bytes[range]`, which starts at a line start and ends at
    /// one (or at the end).
    static func lines(_ bytes: [UInt8], _ range: Range<Int>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = range.lowerBound
        bytes.withUnsafeBufferPointer { b in
            for i in range where b[i] == newline {
                out.append(start..<(i + 1))
                start = i + 1
            }
        }
        if start < range.upperBound { out.append(start..<range.upperBound) }
        return out
    }

    /// The owners of the lines of `new`, given the owners of the lines of `old`: lines the diff
    /// keeps keep their owner, every other line of `new` belongs to `owner`.
    static func carry(_ owners: [Int32], from old: [UInt8], to new: [UInt8], owner: Int32) -> [Int32] {
        let (prefix, suffix) = commonEnds(old, new)
        let prefixLines = old.withUnsafeBytes { countNewlines($0, upTo: prefix) }
        let oldMiddle = lines(old, prefix..<(old.count - suffix))
        let newMiddle = lines(new, prefix..<(new.count - suffix))
        let suffixLines = owners.count - prefixLines - oldMiddle.count
        precondition(suffixLines >= 0, "owners do not match the old content's lines")

        var out: [Int32] = []
        out.reserveCapacity(prefixLines + newMiddle.count + suffixLines)
        out.append(contentsOf: owners[0..<prefixLines])
        let matches = match(old, oldMiddle, new, newMiddle)
        for m in matches { out.append(m >= 0 ? owners[prefixLines + m] : owner) }
        out.append(contentsOf: owners[(owners.count - suffixLines)...])
        return out
    }

    /// How many `\n` the first `count` bytes of `bytes` hold, eight bytes at a time (a byte
    /// equal to `\n` is a zero byte of `word ^ 0x0A0A…`, found without a carry between bytes).
    static func countNewlines(_ bytes: UnsafeRawBufferPointer, upTo count: Int) -> Int {
        var n = 0, i = 0
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F, lines: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        while i + 8 <= count {
            let x = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ lines
            let zero = ~(((x & low) &+ low) | x | low)
            n += zero.nonzeroBitCount
            i += 8
        }
        while i < count {
            if bytes[i] == newline { n += 1 }
            i += 1
        }
        return n
    }

    /// The byte lengths of the common prefix and suffix of `a` and `b`, each made of whole
    /// lines, not overlapping.
    static func commonEnds(_ a: [UInt8], _ b: [UInt8]) -> (prefix: Int, suffix: Int) {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                let limit = min(a.count, b.count)
                var p = 0
                if limit >= 8 {
                    // Eight bytes at a time, then byte by byte.
                    let ra = UnsafeRawPointer(a.baseAddress!), rb = UnsafeRawPointer(b.baseAddress!)
                    while p + 8 <= limit, ra.loadUnaligned(fromByteOffset: p, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: p, as: UInt64.self)
                    { p += 8 }
                }
                while p < limit, a[p] == b[p] { p += 1 }
                if p < a.count || p < b.count {
                    // Cut back to the start of the line the difference is in.
                    while p > 0, a[p - 1] != newline { p -= 1 }
                }
                let room = limit - p
                var s = 0
                if room >= 8 {
                    let ra = UnsafeRawPointer(a.baseAddress!), rb = UnsafeRawPointer(b.baseAddress!)
                    while s + 8 <= room,
                        ra.loadUnaligned(fromByteOffset: a.count - s - 8, as: UInt64.self)
                            == rb.loadUnaligned(fromByteOffset: b.count - s - 8, as: UInt64.self)
                    { s += 8 }
                }
                while s < room, a[a.count - 1 - s] == b[b.count - 1 - s] { s += 1 }
                if s > 0 {
                    // The suffix must start at a line start in both; else skip to the next one.
                    let sa = a.count - s, sb = b.count - s
                    let bothStart = (sa == 0 || a[sa - 1] == newline) && (sb == 0 || b[sb - 1] == newline)
                    if !bothStart {
                        var i = sa
                        while i < a.count, a[i] != newline { i += 1 }
                        s = i < a.count ? a.count - (i + 1) : 0
                    }
                }
                return (p, s)
            }
        }
    }

    /// For each line of `new`'s middle, the index of the line of `old`'s middle it keeps, or
    /// -1 when it is new.
    static func match(_ old: [UInt8], _ oldLines: [Range<Int>], _ new: [UInt8], _ newLines: [Range<Int>]) -> [Int] {
        var result = [Int](repeating: -1, count: newLines.count)
        if oldLines.isEmpty || newLines.isEmpty { return result }
        // Number the distinct lines; note which side each number occurs on.
        var numbers: [ArraySlice<UInt8>: Int32] = [:]
        var sides: [UInt8] = []  // bit 1: in old, bit 2: in new
        func number(_ line: ArraySlice<UInt8>, side: UInt8) -> Int32 {
            if let n = numbers[line] {
                sides[Int(n)] |= side
                return n
            }
            let n = Int32(sides.count)
            numbers[line] = n
            sides.append(side)
            return n
        }
        let a = oldLines.map { number(old[$0], side: 1) }
        let b = newLines.map { number(new[$0], side: 2) }
        // Lines on one side only cannot match: keep the others, with their positions.
        let aKept = a.indices.filter { sides[Int(a[$0])] == 3 }
        let bKept = b.indices.filter { sides[Int(b[$0])] == 3 }
        if aKept.isEmpty || bKept.isEmpty { return result }
        for (i, j) in align(aKept.map { a[$0] }, bKept.map { b[$0] }) { result[bKept[j]] = aKept[i] }
        return result
    }

    /// Above this many lines (both sides, after trimming and setting aside), Myers' cost,
    /// O((N+M)·D) time and O(D²) memory in `SequenceDiff`, is not risked on one piece.
    static let myersLimit = 4_000

    /// The pairs of equal elements a line diff of `a` and `b` keeps, in order. Myers' diff
    /// when the input is small enough; else the patience diff's anchors (elements that occur
    /// once on each side, the longest run of them in order on both), with each gap between
    /// two anchors aligned the same way. A gap with no anchor that is still too large is
    /// left unmatched, as git's xdiff gives up on costly diffs.
    static func align(_ a: [Int32], _ b: [Int32]) -> [(Int, Int)] {
        var pairs: [(Int, Int)] = []
        var work: [(Range<Int>, Range<Int>)] = [(a.indices, b.indices)]  // a stack: no deep recursion
        while let (ra, rb) = work.popLast() {
            if ra.isEmpty || rb.isEmpty { continue }
            if ra.count + rb.count <= myersLimit {
                for op in SequenceDiff.diff(Array(a[ra]), Array(b[rb])) {
                    guard case let .equal(aRange, bRange) = op else { continue }
                    for (i, j) in zip(aRange, bRange) { pairs.append((ra.lowerBound + i, rb.lowerBound + j)) }
                }
                continue
            }
            var (i, j) = (ra.lowerBound, rb.lowerBound)
            for (ai, bj) in patienceAnchors(a[ra], b[rb]) {
                work.append((i..<ai, j..<bj))
                pairs.append((ai, bj))
                (i, j) = (ai + 1, bj + 1)
            }
            if i > ra.lowerBound { work.append((i..<ra.upperBound, j..<rb.upperBound)) }
        }
        return pairs.sorted { $0.0 < $1.0 }
    }

    /// The elements that occur exactly once in `a` and once in `b`, as (index in a, index in
    /// b), keeping the longest subsequence increasing on both (patience sorting).
    static func patienceAnchors(_ a: ArraySlice<Int32>, _ b: ArraySlice<Int32>) -> [(Int, Int)] {
        var count: [Int32: (a: Int, b: Int, at: Int)] = [:]
        for i in a.indices { count[a[i], default: (0, 0, 0)].a += 1; count[a[i]]!.at = i }
        for j in b.indices where count[b[j]] != nil { count[b[j]]!.b += 1 }
        var candidates: [(Int, Int)] = []  // in b order
        for j in b.indices {
            if let c = count[b[j]], c.a == 1, c.b == 1 { candidates.append((c.at, j)) }
        }
        // Longest increasing subsequence of the a indices, by patience sorting.
        var tops: [Int] = []  // index into candidates of each pile's top
        var previous = [Int](repeating: -1, count: candidates.count)
        for (k, (ai, _)) in candidates.enumerated() {
            var low = 0, high = tops.count
            while low < high {
                let mid = (low + high) / 2
                if candidates[tops[mid]].0 < ai { low = mid + 1 } else { high = mid }
            }
            if low > 0 { previous[k] = tops[low - 1] }
            if low == tops.count { tops.append(k) } else { tops[low] = k }
        }
        var out: [(Int, Int)] = []
        var k = tops.last ?? -1
        while k >= 0 {
            out.append(candidates[k])
            k = previous[k]
        }
        return out.reversed()
    }
}
