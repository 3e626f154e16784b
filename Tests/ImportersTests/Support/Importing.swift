import Foundation
import XCTest

import Importers
import Trace

/// A temporary directory, removed when the test ends.
func makeTemporaryDirectory(_ test: XCTestCase, _ label: String = "ImportersTests") throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    let path = url.resolvingSymlinksInPath().path
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// The package's root folder (where `Package.swift` is).
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.path + "/Package.swift") { return url.path }
    }
    fatalError("no Package.swift above \(#filePath)")
}()

extension XCTestCase {
    /// Saves `log` as `session.jsonl` in a fresh directory and imports it.
    func importLog(_ log: ClaudeLog, options: Importer.Options = Importer.Options()) throws -> Trace {
        let directory = try makeTemporaryDirectory(self)
        return try Importer.load(path: log.save(in: directory), options: options, displayName: "session.jsonl")
    }

    /// The `TraceError` importing `log` throws (failing the test when it throws none).
    func importError(_ log: ClaudeLog, file: StaticString = #filePath, line: UInt = #line) throws -> TraceError {
        do {
            let trace = try importLog(log)
            XCTFail("imported \(trace.spans.count) spans without an error", file: file, line: line)
            throw NoError()
        } catch let error as TraceError {
            return error
        }
    }
}

struct NoError: Error {}

extension Trace {
    /// The tool span of call `id`.
    func tool(_ id: String, file: StaticString = #filePath, line: UInt = #line) throws -> Span {
        try XCTUnwrap(spans.first { $0.toolCallID == id }, "no span for call \(id)", file: file, line: line)
    }

    func span(_ id: Span.ID?) -> Span? { spans.first { $0.id == id } }

    var kinds: [String] { spans.map { $0.kind == .tool ? "tool:\($0.toolName ?? "")" : $0.kind.rawValue } }
}
