import Foundation
@testable import Index
import XCTest

/// Rows written several to a statement land as a statement per row would put them: in the
/// order added (so with the same row ids), every value kept, a full group written at once and
/// the rest by `flush`.
final class InsertBatchTests: XCTestCase {
    func testRowsLandInOrderWithTheirValuesWhateverTheGroups() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("InsertBatchTests-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/index.sqlite")
        // 0 rows, fewer than a group, exactly a group, and groups with every remainder size.
        for count in [0, 1, 3, 4, 5, 11, 23] {
            let rows = try store.write { db -> [[QueryResult.Cell]] in
                try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, r REAL)")
                var batch = InsertBatch("INSERT INTO t (n, s, r) VALUES", columns: 3, capacity: 4)
                for i in 0..<count {
                    try batch.add([i, i % 3 == 0 ? nil : "row \(i) é\u{301}", Double(i) / 2], to: db)
                    // A full group is written as soon as it is full; what is pending is the rest.
                    XCTAssertEqual(batch.pending, (i + 1) % 4, "after \(i + 1) rows")
                    XCTAssertEqual(try db.value("SELECT COUNT(*) FROM t")?.int64, Int64((i + 1) / 4 * 4))
                }
                try batch.flush(to: db)
                XCTAssertEqual(batch.pending, 0)
                let rows = try db.rows("SELECT id, n, s, r FROM t ORDER BY id", [])
                try db.execute("DROP TABLE t")
                return rows
            }
            XCTAssertEqual(rows.count, count)
            for (i, row) in rows.enumerated() {
                XCTAssertEqual(row[0], .integer(Int64(i + 1)), "row id of row \(i) of \(count)")
                XCTAssertEqual(row[1], .integer(Int64(i)))
                XCTAssertEqual(row[2], i % 3 == 0 ? .null : .text("row \(i) é\u{301}"))
                XCTAssertEqual(row[3], .real(Double(i) / 2))
            }
        }
    }

    func testAFailingGroupFailsTheWrite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("InsertBatchTests-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/index.sqlite")
        XCTAssertThrowsError(
            try store.write { db in
                try db.execute("CREATE TABLE u (n INTEGER PRIMARY KEY)")
                var batch = InsertBatch("INSERT INTO u (n) VALUES", columns: 1, capacity: 2)
                try batch.add([1], to: db)
                try batch.add([2], to: db)
                try batch.add([2], to: db)
                try batch.flush(to: db)
            })
        // The transaction rolled back: the table was never made.
        XCTAssertEqual(try store.read { db in try db.value("SELECT COUNT(*) FROM sqlite_master WHERE name = 'u'") }, .integer(0))
    }
}
