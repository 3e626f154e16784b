@testable import Index
import Trace
import XCTest

/// `TurnTable` finds each turn by its span id, whether the id is the 16 hexadecimal digits
/// every importer makes (kept as a 64-bit value) or any other string.
final class TurnTableTests: XCTestCase {
    func testKeysAreTheValueTheDigitsSpell() {
        XCTAssertEqual(TurnTable.key(Span.ID("0000000000000000")), 0)
        XCTAssertEqual(TurnTable.key(Span.ID("ffffffffffffffff")), .max)
        XCTAssertEqual(TurnTable.key(Span.ID("0123456789abcdef")), 0x0123_4567_89ab_cdef)
        // Not 16 lowercase hexadecimal digits: kept as they are.
        for other in ["0123456789ABCDEF", "0123456789abcde", "0123456789abcdef0", "0123456789abcdeg", "", "é123456789abcde"] {
            XCTAssertNil(TurnTable.key(Span.ID(other)), other)
        }
    }

    func testFindsEachTurn() {
        var table = TurnTable()
        let ids = ["0123456789abcdef", "0123456789ABCDEF", "turn-1", "00000000000000ff", "ff"]
        for (i, id) in ids.enumerated() {
            table[Span.ID(id)] = TurnTable.Turn(number: i + 1, line: i == 2 ? nil : 10 * i)
        }
        for (i, id) in ids.enumerated() {
            XCTAssertEqual(table[Span.ID(id)], TurnTable.Turn(number: i + 1, line: i == 2 ? nil : 10 * i), id)
        }
        XCTAssertNil(table[Span.ID("0123456789abcdee")])
        XCTAssertNil(table[Span.ID("Turn-1")])
        // A turn read again (a message's later line) replaces the entry.
        table[Span.ID("0123456789abcdef")] = TurnTable.Turn(number: 9, line: Int.max)
        XCTAssertEqual(table[Span.ID("0123456789abcdef")], TurnTable.Turn(number: 9, line: Int.max))
        table.removeAll()
        XCTAssertNil(table[Span.ID("0123456789abcdef")])
        XCTAssertNil(table[Span.ID("turn-1")])
    }
}
