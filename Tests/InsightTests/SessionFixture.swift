import Analysis
import Foundation
import Git
import Importers
import Insight
import Replay
import TestSupport
import Trace
import XCTest

/// A Claude Code log built with `ClaudeLog`, imported, replayed for real onto a git
/// repository made by `TestRepo`, and made into a `Session`.
struct SessionFixture {
    let trace: Trace
    let run: Run
    let session: Session

    init(_ test: XCTestCase, files: [String: String], prices: PriceTable = .builtIn, build: (inout ClaudeLog) -> Void) throws {
        var log = ClaudeLog()
        build(&log)
        let folder = try makeTemporaryDirectory(test, "InsightTests")
        try self.init(test, files: files, prices: prices, log: try log.save(in: folder))
    }

    /// Any session log saved at `log`.
    init(_ test: XCTestCase, files: [String: String], prices: PriceTable = .builtIn, log path: String, repository existing: String? = nil) throws {
        let directory = try existing ?? TestRepo(test, files: files).path
        trace = try Importer.load(path: path)
        let repository = try Repository.open(directory, objectsInMemory: true)
        let base = try Base.resolve(header: trace.header, revision: nil, in: repository)
        run = try Replayer(repository: repository).replay(header: trace.header, spans: trace.spans, base: base)
        let hunks = try EditHunks.attribute(run, repository: repository)
        session = Session(trace: trace, run: run, hunks: hunks, prices: prices, read: repository.blob)
    }
}

extension ClaudeLog {
    /// One model turn with the given usage asking for one tool call, and its result.
    mutating func call(_ name: String, _ input: JSON, result: JSON, isError: Bool = false, record: JSON? = nil, usage: JSON) {
        let id = nextID("toolu_")
        assistant(calls: [(id, name, input)], usage: usage)
        self.result(id, result, isError: isError, record: record)
    }
}
