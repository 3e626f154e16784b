import Foundation
import XCTest

import Git
import Importers
import Replay
import Trace

/// A replayed trace: the run, the trace it came from, and the repository it was replayed in.
struct Replayed {
    let run: Run
    let trace: Trace
    let repository: Repository
    let repo: TestRepo

    /// The tool-call steps, in order.
    var tools: [Run.Step] { run.steps.filter { $0.kind == .tool } }

    /// The step of the tool call `callID`.
    func step(_ callID: String, file: StaticString = #filePath, line: UInt = #line) throws -> Run.Step {
        try XCTUnwrap(run.steps.first { $0.callID == callID }, "no step for call \(callID)", file: file, line: line)
    }

    /// A file's content in the run's final tree (or `tree`), nil when there is no file.
    func file(_ path: String, in tree: ObjectID? = nil) throws -> String? {
        try bytes(path, in: tree).map { String(decoding: $0, as: UTF8.self) }
    }

    func bytes(_ path: String, in tree: ObjectID? = nil) throws -> [UInt8]? {
        guard let entry = try repository.entry(in: tree ?? run.finalTree, path: path) else { return nil }
        guard entry.mode == .blob || entry.mode == .executable else { return nil }
        return try repository.blob(entry.id)
    }

    /// Whether the run left the base exactly as it was: same tree, no commit.
    var changedNothing: Bool { run.finalTree == run.baseTree && run.commits.isEmpty && run.head == run.baseCommit }

    /// Every path of the final tree with its mode, for comparing whole trees.
    func listing(_ tree: ObjectID? = nil) throws -> [String] {
        try repository.walk(tree ?? run.finalTree).map { "\($0.entry.mode) \($0.path)" }
    }
}

extension XCTestCase {
    /// Writes `log` to a temporary file, imports it as Claude Code would be, and replays it
    /// onto `repo`'s HEAD.
    func replay(_ log: ClaudeLog, onto repo: TestRepo) throws -> Replayed {
        let directory = try makeTemporaryDirectory(self, "trace")
        let path = try log.save(in: directory)
        let trace = try Importer.load(path: path)
        XCTAssertEqual(trace.header.sourceFormat, "claude-code")
        return try replay(trace, onto: repo)
    }

    /// Replays `trace` onto `repo` (its base commit, else HEAD) with the library's own API.
    func replay(_ trace: Trace, onto repo: TestRepo) throws -> Replayed {
        let repository = try repo.open()
        let base = try Base.resolve(header: trace.header, revision: nil, in: repository)
        let run = try Replayer(repository: repository).replay(header: trace.header, spans: trace.spans, base: base)
        return Replayed(run: run, trace: trace, repository: repository, repo: repo)
    }
}
