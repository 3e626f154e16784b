import Importers
import Trace
import XCTest

/// `Importer.all`, the table of formats: one importer for every format `SourceFormat` names,
/// and each importer's `format` told apart.
final class ImporterTableTests: XCTestCase {
    func testEveryFormatHasExactlyOneImporter() {
        for format in SourceFormat.allCases {
            XCTAssertEqual(Importer.all.filter { $0.format == format }.count, 1, "importers of \(format.rawValue)")
            XCTAssertEqual(Importer.importer(for: format).format, format)
        }
        XCTAssertEqual(Importer.all.count, SourceFormat.allCases.count)
    }
}
