import XCTest

import Git
@testable import Replay
import TestSupport
import Trace

/// Writes of new files, many per log and many per span (issue 19: both grew faster than the
/// files written). The trees git keeps bound what can be linear: every commit holds a whole
/// tree, so a directory that gains a file per commit is written whole each time. Where the
/// directories stay small (nested folders) the work is linear in the writes; in one flat
/// directory it is linear in the bytes of the trees git must hold, and nothing more.
final class WriteGrowthTests: GrowthTestCase {
    /// A native trace of `spans` tool spans, each with its recorded effects.
    func writesTrace(_ spans: [[Effect]]) -> Trace {
        let header = Trace.Header(
            traceID: "0123456789abcdef0123456789abcdef", agentName: "test-agent", agentVersion: "1",
            repoRoot: "/testbed")
        let all = spans.enumerated().map { k, effects in
            Span(
                id: Span.ID(String(format: "%016x", k + 1)), kind: .tool, name: "save",
                startTime: Timestamp(seconds: 1_700_000_000 + Int64(k)), endTime: Timestamp(seconds: 1_700_000_000 + Int64(k)), status: .ok,
                attributes: Attributes([(GenAI.toolName, .string("save")), (GenAI.toolCallID, .string("call-\(k)"))]),
                effects: effects)
        }
        return Trace(header: header, spans: all)
    }

    /// Replays `trace` onto a fresh repository with its objects in memory (as `run` does).
    func replayWrites(_ trace: Trace) throws -> Run {
        let repo = try TestRepo(self)
        let repository = try Repository.open(repo.path, objectsInMemory: true)
        let base = try Base.resolve(header: trace.header, revision: nil, in: repository)
        return try Replayer(repository: repository).replay(header: trace.header, spans: trace.spans, base: base)
    }

    /// One span writing n new files into one directory: each file added looked through every
    /// one added before it (quadratic in the span's effects).
    func testOneSpanWritingNFilesTakesTimeLinearInN() throws {
        try assertLinear("effects per span", n: 3_000) { n in
            let trace = writesTrace([(0..<n).map { Effect(path: "d/f\($0).txt", operation: .write, content: "\($0)\n") }])
            return try time(runs: 3) {
                let run = try replayWrites(trace)
                XCTAssertEqual(run.steps.first?.changes.count, n)
            }
        }
    }

    /// n spans, each writing a new file in nested folders of at most 16 entries above the
    /// files: each commit rewrites three small trees, so the run is linear in n.
    func testNWritesInNestedFoldersTakeTimeLinearInN() throws {
        try assertLinear("writes in nested folders", n: 1_500) { n in
            let trace = writesTrace(
                (0..<n).map { k in
                    [Effect(path: "d\(k % 16)/e\(k / 16 % 16)/f\(k).txt", operation: .write, content: "\(k)\n")]
                })
            return try time(runs: 3) {
                let run = try replayWrites(trace)
                XCTAssertEqual(run.commits.count, n)
            }
        }
    }

    /// n spans, each writing a new file in one flat directory: commit k holds a tree of k
    /// entries, which git writes and hashes whole (k entries of the same size), so the trees
    /// alone are n²/2 entries. The time per tree entry written stays the same at n and 2n.
    func testNWritesInOneFolderTakeTimeLinearInTheTreesWritten() throws {
        _ = try replayWrites(writesTrace([[Effect(path: "f.txt", operation: .write, content: "x\n")]]))
        func perEntry(_ n: Int) throws -> Double {
            let trace = writesTrace((0..<n).map { k in [Effect(path: "f\(10_000 + k).txt", operation: .write, content: "\(k)\n")] })
            let entries = Double(n * (n + 1) / 2)
            return try time(runs: 3) {
                let run = try replayWrites(trace)
                XCTAssertEqual(run.commits.count, n)
            } / entries
        }
        // The best of three pairs, as `assertLinear` judges: quadratic work per entry gives 2.
        var best = (ratio: Double.infinity, small: 0.0, large: 0.0)
        for _ in 0..<3 where best.ratio > 1.5 {
            let small = try perEntry(800), large = try perEntry(1_600)
            if large / small < best.ratio { best = (large / small, small, large) }
        }
        XCTAssertLessThanOrEqual(best.ratio, 1.5, "time per tree entry written: \(best.small) ns at n = 800, \(best.large) ns at 2n")
    }
}
