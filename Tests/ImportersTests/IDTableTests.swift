@testable import Importers
import XCTest

/// `IDTable` answers as a `[String: Value]` does: ids compared byte for byte (prefixes, the
/// empty id, ids of other lengths and scripts apart), values replaced, through its growth.
final class IDTableTests: XCTestCase {
    func testAnswersAsADictionaryDoes() {
        var table = IDTable<Int>()
        var reference: [String: Int] = [:]
        // A fixed sequence of ids of many lengths, with prefixes of one another and repeats.
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let alphabet = Array("abcXYZ019_-é→")
        var ids = ["", "a", "ab", "toolu_01", "toolu_01a", "msg_01", "é", "→x"]
        for _ in 0..<5_000 {
            let length = Int(next() % 40)
            ids.append(String((0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }))
        }
        for (i, id) in ids.enumerated() {
            XCTAssertEqual(table[id], reference[id], "before setting \(id.debugDescription)")
            table.set(id, i)
            reference[id] = i
        }
        XCTAssertEqual(table.count, reference.count)
        for id in ids + ["absent", "toolu_0", "abc\u{0}", "ab "] {
            XCTAssertEqual(table[id], reference[id], id.debugDescription)
            XCTAssertEqual(table.contains(id), reference[id] != nil, id.debugDescription)
        }
    }

    func testASetOfIds() {
        var answered = IDTable<Void>()
        XCTAssertFalse(answered.contains("toolu_1"))
        XCTAssertTrue(answered.isEmpty)
        answered.insert("toolu_1")
        answered.insert("toolu_1")
        XCTAssertTrue(answered.contains("toolu_1"))
        XCTAssertFalse(answered.contains("toolu_10"))
        XCTAssertFalse(answered.contains("toolu_"))
        XCTAssertEqual(answered.count, 1)
    }
}
