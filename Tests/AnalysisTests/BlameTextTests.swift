@testable import Analysis
import Foundation
import XCTest

/// The line diff behind blame, on plain bytes: owners are step numbers, -1 the base.
final class BlameTextTests: XCTestCase {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    func carry(_ old: String, _ new: String, _ owners: [Int32]? = nil) -> [Int32] {
        let o = owners ?? [Int32](repeating: -1, count: BlameText.lineCount(bytes(old)))
        return BlameText.carry(o, from: bytes(old), to: bytes(new), owner: 9)
    }

    func testLineCount() {
        XCTAssertEqual(BlameText.lineCount([]), 0)
        XCTAssertEqual(BlameText.lineCount(bytes("a")), 1)
        XCTAssertEqual(BlameText.lineCount(bytes("a\n")), 1)
        XCTAssertEqual(BlameText.lineCount(bytes("a\nb")), 2)
        XCTAssertEqual(BlameText.lineCount(bytes("\n\n")), 2)
    }

    func testCommonEndsStopAtLineBoundaries() {
        // The difference is inside line 2: the prefix is line 1, the suffix line 3.
        XCTAssertEqual(BlameText.commonEnds(bytes("ab\ncd\nef\n"), bytes("ab\ncX\nef\n")).prefix, 3)
        XCTAssertEqual(BlameText.commonEnds(bytes("ab\ncd\nef\n"), bytes("ab\ncX\nef\n")).suffix, 3)
        // "b\n" ends both, but is not a whole line of the second.
        XCTAssertEqual(BlameText.commonEnds(bytes("b\n"), bytes("ab\n")).suffix, 0)
        // One is a prefix of the other.
        XCTAssertEqual(BlameText.commonEnds(bytes("a\n"), bytes("a\nb\n")).prefix, 2)
        XCTAssertEqual(BlameText.commonEnds(bytes("a"), bytes("a\n")).prefix, 0)
        // Prefix and suffix never overlap: "a\na\n" → "a\n" deletes one line.
        let ends = BlameText.commonEnds(bytes("a\na\n"), bytes("a\n"))
        XCTAssertEqual(ends.prefix + ends.suffix, 2)
    }

    /// The word-at-a-time scans give what a byte-by-byte reading gives, at every length and
    /// alignment around the eight-byte steps.
    func testWordScansMatchByteScans() {
        let alphabet: [UInt8] = Array("ab\n".utf8)
        for length in 0..<40 {
            for variant in 0..<12 {
                let a = (0..<length).map { alphabet[($0 * 7 + variant * 3 + $0 / 5) % 3] }
                let naive = a.filter { $0 == 0x0A }.count
                XCTAssertEqual(a.withUnsafeBytes { BlameText.countNewlines($0, upTo: a.count) }, naive, "\(a)")
                var b = a
                if !b.isEmpty { b[(variant * 5) % b.count] = UInt8(ascii: "X") }
                if variant % 3 == 0 { b.append(contentsOf: Array("tail\n".utf8)) }
                if variant % 4 == 1 { b.insert(contentsOf: Array("head\n".utf8), at: 0) }
                let ends = BlameText.commonEnds(a, b)
                XCTAssertEqual(ends.prefix, naivePrefix(a, b), "\(a) \(b)")
                XCTAssertEqual(ends.suffix, naiveSuffix(a, b, prefix: ends.prefix), "\(a) \(b)")
            }
        }
    }

    private func naivePrefix(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var p = 0
        while p < min(a.count, b.count), a[p] == b[p] { p += 1 }
        if p < a.count || p < b.count { while p > 0, a[p - 1] != 0x0A { p -= 1 } }
        return p
    }

    private func naiveSuffix(_ a: [UInt8], _ b: [UInt8], prefix p: Int) -> Int {
        let room = min(a.count, b.count) - p
        var s = 0
        while s < room, a[a.count - 1 - s] == b[b.count - 1 - s] { s += 1 }
        if s > 0 {
            let sa = a.count - s, sb = b.count - s
            if !((sa == 0 || a[sa - 1] == 0x0A) && (sb == 0 || b[sb - 1] == 0x0A)) {
                var i = sa
                while i < a.count, a[i] != 0x0A { i += 1 }
                s = i < a.count ? a.count - (i + 1) : 0
            }
        }
        return s
    }

    func testCarry() {
        XCTAssertEqual(carry("a\nb\nc\n", "a\nB\nc\n", [1, 2, 3]), [1, 9, 3])
        XCTAssertEqual(carry("a\nb\nc\n", "a\nc\n", [1, 2, 3]), [1, 3])
        XCTAssertEqual(carry("a\nb\nc\n", "x\na\nb\nc\ny\n", [1, 2, 3]), [9, 1, 2, 3, 9])
        XCTAssertEqual(carry("a\nb", "a\nb\n", [1, 2]), [1, 9])
        XCTAssertEqual(carry("", "a\nb\n"), [9, 9])
        XCTAssertEqual(carry("a\nb\n", "", [1, 2]), [])
        XCTAssertEqual(carry("a\na\n", "a\n", [1, 2]), [1])
        // Lines moved within the file: Myers keeps the longest common subsequence.
        XCTAssertEqual(carry("a\nb\nc\nd\n", "b\nc\nd\na\n", [1, 2, 3, 4]), [2, 3, 4, 9])
        // Lines found on one side only are set aside before Myers; the rest still aligns.
        XCTAssertEqual(carry("a\nx\nb\ny\nc\n", "p\na\nq\nb\nr\nc\ns\n", [1, 2, 3, 4, 5]), [9, 1, 9, 3, 9, 5, 9])
        // A \r before the \n is part of the line.
        XCTAssertEqual(carry("a\r\nb\r\n", "a\r\nb\n", [1, 2]), [1, 9])
    }

    func testCarryIsTheDiffOfWholeFiles() {
        // The byte-trimmed diff gives the owners the plain line diff gives, on random texts
        // over a small alphabet (many repeated lines: many ties).
        var random = BlameSplitMix(seed: 7)
        for _ in 0..<300 {
            let a = (0..<random.next(12)).map { _ in ["x", "y", "z", "", "x y"][random.next(5)] + "\n" }
            var b = a
            for _ in 0..<random.next(4) {
                switch random.next(3) {
                case 0 where !b.isEmpty: b.remove(at: random.next(b.count))
                case 1: b.insert(["x", "w", "z"][random.next(3)] + "\n", at: random.next(b.count + 1))
                default: if !b.isEmpty { b[random.next(b.count)] = "v\n" }
                }
            }
            let owners = (0..<Int32(a.count)).map { $0 }
            let got = BlameText.carry(owners, from: bytes(a.joined()), to: bytes(b.joined()), owner: 99)
            // Reference: Myers over whole lines, every line of b not in an equal run is new.
            var want = [Int32](repeating: 99, count: b.count)
            for op in SequenceDiff.diff(a, b) {
                if case let .equal(ar, br) = op { for (i, j) in zip(ar, br) { want[j] = owners[i] } }
            }
            XCTAssertEqual(got.count, b.count)
            // Same kept count (both are longest common subsequences); positions may differ
            // only among equal lines.
            XCTAssertEqual(got.filter { $0 != 99 }.count, want.filter { $0 != 99 }.count, "\(a) → \(b)")
            for (j, o) in got.enumerated() where o != 99 { XCTAssertEqual(a[Int(o)], b[j]) }
            let kept = got.filter { $0 != 99 }
            XCTAssertEqual(kept, kept.sorted(), "kept lines stay in order")
            XCTAssertEqual(Set(kept).count, kept.count)
        }
    }

    func testLargeReorderingsStayCheap() {
        // 20,000 lines reversed: one Myers run would need D² = 1.6e9 cells. Patience anchors
        // cut it up; every kept line is a real match, in order.
        let n = 20_000
        let old = (0..<n).map { "line \($0)\n" }
        let reversed = Array(old.reversed())
        let owners = [Int32](repeating: 1, count: n)
        let start = Date()
        let got = BlameText.carry(owners, from: bytes(old.joined()), to: bytes(reversed.joined()), owner: 9)
        XCTAssertEqual(got.count, n)
        XCTAssertEqual(got.filter { $0 == 1 }.count, 1, "a reversal keeps one line")
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)

        // A block of 300 lines moved to the end and 5 lines changed, in a 12,000-line file.
        var moved = (0..<12_000).map { "line \($0)\n" }
        let block = Array(moved[1_000..<1_300])
        moved.removeSubrange(1_000..<1_300)
        moved += block
        for k in [10, 5_000, 7_000, 9_000, 11_000] { moved[k] = "changed \(k)\n" }
        let ids = (0..<Int32(12_000)).map { $0 }
        let carried = BlameText.carry(ids, from: bytes((0..<12_000).map { "line \($0)\n" }.joined()), to: bytes(moved.joined()), owner: -2)
        let kept = carried.filter { $0 >= 0 }
        XCTAssertEqual(kept.count, 12_000 - 300 - 5, "everything but the moved block and the changed lines")
        XCTAssertEqual(kept, kept.sorted())
        for (j, o) in carried.enumerated() where o >= 0 { XCTAssertEqual("line \(o)\n", moved[j]) }
    }

    func testPatienceAnchorsAreTheLongestOrderedRunOfUniqueLines() {
        // 1 and 2 are unique on both sides; 7 is repeated in a; 5 occurs in a only.
        let a: [Int32] = [1, 7, 2, 7, 3, 5, 4]
        let b: [Int32] = [3, 1, 2, 4, 7]
        let anchors = BlameText.patienceAnchors(a[...], b[...])
        XCTAssertEqual(anchors.map(\.0), [0, 2, 6])
        XCTAssertEqual(anchors.map(\.1), [1, 2, 3])
    }
}
