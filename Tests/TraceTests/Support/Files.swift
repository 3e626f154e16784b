import Foundation
import XCTest

import Trace

/// A temporary directory, removed when the test ends.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("TraceTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    let path = url.resolvingSymlinksInPath().path
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

extension XCTestCase {
    /// Writes `bytes` to a fresh temporary file and returns its path.
    func temporaryFile(_ bytes: [UInt8], name: String = "trace.ndjson") throws -> String {
        let path = try makeTemporaryDirectory(self) + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Lines joined with `\n` after each.
    func temporaryFile(lines: [String]) throws -> String {
        try temporaryFile(Array(lines.map { $0 + "\n" }.joined().utf8))
    }

    /// The error reading `lines` as a native trace throws, shown as `trace.ndjson`.
    func readError(_ lines: [String], file: StaticString = #filePath, line: UInt = #line) throws -> TraceError {
        try readError(at: temporaryFile(lines: lines), file: file, line: line)
    }

    func readError(at path: String, file: StaticString = #filePath, line: UInt = #line) throws -> TraceError {
        let trace: Trace
        do {
            trace = try TraceReader.read(path: path, displayName: "trace.ndjson")
        } catch {
            return error
        }
        XCTFail("read \(trace.spans.count) spans without an error", file: file, line: line)
        throw NoError()
    }
}

struct NoError: Error {}

/// Lines of native traces for tests.
enum Native {
    static let header = #"{"agentreplay":"trace","version":1,"trace_id":"0123456789abcdef0123456789abcdef","agent":{"name":"test"}}"#

    static func llm(_ id: String, parent: String? = nil) -> String {
        let p = parent.map { #","parent_span_id":"\#($0)""# } ?? ""
        return #"{"span_id":"\#(id)"\#(p),"kind":"llm","name":"chat"}"#
    }

    static func tool(_ id: String, call: String, parent: String? = nil) -> String {
        let p = parent.map { #","parent_span_id":"\#($0)""# } ?? ""
        return #"{"span_id":"\#(id)"\#(p),"kind":"tool","name":"Edit","attributes":{"gen_ai.tool.call.id":"\#(call)","gen_ai.tool.name":"Edit"}}"#
    }
}
