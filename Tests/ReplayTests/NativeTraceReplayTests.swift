import Foundation
import XCTest

import Git
import Importers
import Replay
import ToolSemantics
import Trace

/// Traces built as native spans rather than imported: the same Claude Code tool semantics,
/// recorded `effects` for tools no dialect knows, recorded trees, recorded base commits and
/// dirty-tree bases, and the native file round trip.
final class NativeTraceReplayTests: XCTestCase {
    static let root = "/testbed"

    /// A header for `agent`: tool semantics follow the agent that recorded the trace.
    func header(agent: String = "test-agent", baseCommit: String? = nil, baseTree: String? = nil) -> Trace.Header {
        Trace.Header(
            traceID: "0123456789abcdef0123456789abcdef", agentName: agent, agentVersion: "9.9",
            repoRoot: Self.root, baseCommit: baseCommit, baseTree: baseTree)
    }

    /// Makes tool spans with call ids `call-N`, ten seconds apart.
    struct Spans {
        var clock: Int64 = 1_700_000_000
        var count = 0
        var all: [Span] = []

        mutating func add(
            _ name: String, _ input: JSON, status: Span.Status = .ok, output: JSON? = nil, details: JSON? = nil,
            effects: [Effect] = [], recordedTree: String? = nil
        ) {
            count += 1
            clock += 10
            all.append(
                Span(
                    id: Span.ID(String(format: "%016x", count)), kind: .tool, name: name,
                    startTime: Timestamp(seconds: clock), endTime: Timestamp(seconds: clock + 1), status: status,
                    attributes: Attributes([(GenAI.toolName, .string(name)), (GenAI.toolCallID, .string("call-\(count)"))]),
                    input: input, output: output, details: details, effects: effects, recordedTree: recordedTree))
        }
    }

    /// `café` precomposed and with a combining accent are two files to git and to Linux's file
    /// systems, though Swift's `String` holds them equal: replay keeps both, by their bytes.
    func testNamesThatDifferOnlyInUnicodeNormalisationAreTwoFiles() throws {
        let nfc = "caf\u{E9}", nfd = "cafe\u{301}"
        XCTAssertEqual(nfc, nfd)
        let repo = try TestRepo(self, files: ["\(nfc).txt": "old nfc\n"])
        var spans = Spans()
        spans.add("Write", ["file_path": .string("/testbed/\(nfd).txt"), "content": "nfd\n"])
        spans.add("Write", ["file_path": .string("/testbed/d/\(nfc)"), "content": "in d, nfc\n"])
        spans.add("Write", ["file_path": .string("/testbed/d/\(nfd)"), "content": "in d, nfd\n"])
        spans.add("Edit", ["file_path": .string("/testbed/\(nfc).txt"), "old_string": "old", "new_string": "new"])
        let r = try replay(Trace(header: header(agent: "claude-code"), spans: spans.all), onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied, .applied, .applied, .applied])
        // Nothing contradicts it, but on macOS's file system the two names are one file.
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertEqual(r.run.caveats.count, 1)
        XCTAssertTrue(
            r.run.caveats.first?.hasPrefix("#0 made \(nfd).txt beside \(nfc).txt, a name that differs only in case") == true, "\(r.run.caveats)")
        XCTAssertEqual(r.run.summary.filesChanged, 4)
        let names = try repo.git("-c", "core.quotePath=false", "ls-tree", "-r", "--name-only", r.run.head!.hex)
        XCTAssertEqual(
            names.split(separator: "\n").map { Array($0.utf8) }, ["\(nfd).txt", "\(nfc).txt", "d/\(nfd)", "d/\(nfc)"].map { Array($0.utf8) })
        XCTAssertEqual(try repo.git("show", "\(r.run.head!.hex):\(nfc).txt"), "new nfc\n")
        XCTAssertEqual(try repo.git("show", "\(r.run.head!.hex):\(nfd).txt"), "nfd\n")
        XCTAssertEqual(try repo.git("show", "\(r.run.head!.hex):d/\(nfd)"), "in d, nfd\n")
    }

    /// A file made beside one whose name differs only in case: two files here, one on macOS.
    /// The run says it cannot vouch for it; a file renamed to another case is no twin.
    func testANewFileWhoseNameDiffersOnlyInCaseLeavesTheRunUnverified() throws {
        let repo = try TestRepo(self, files: ["README.md": "readme\n", "docs/a.md": "a\n"])
        var spans = Spans()
        spans.add("Write", ["file_path": "/testbed/Docs/b.md", "content": "b\n"])
        let r = try replay(Trace(header: header(agent: "claude-code"), spans: spans.all), onto: repo)
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertEqual(
            r.run.caveats,
            [
                "#0 made Docs beside docs, a name that differs only in case or Unicode normalisation: on a file system that folds them "
                    + "(macOS's and Windows' by default) they are one file"
            ])
        var moved = Spans()
        moved.add(
            "save", [:],
            effects: [
                Effect(path: "README.md", operation: .delete), Effect(path: "readme.md", operation: .write, content: "readme\n"),
            ])
        moved.add("Write", ["file_path": "/testbed/docs/A2.md", "content": "b\n"])
        let m = try replay(Trace(header: header(agent: "claude-code"), spans: moved.all), onto: repo)
        XCTAssertEqual(m.run.caveats, [])
        XCTAssertTrue(m.run.clean, "\(m.tools.map(\.note))")
    }

    func testClaudeCodeToolsInANativeTrace() throws {
        let repo = try TestRepo(self, files: ["a.txt": "x\nx\ny\n"])
        var spans = Spans()
        spans.add("Edit", ["file_path": "/testbed/a.txt", "old_string": "y", "new_string": "z"])
        spans.add(
            "Edit", ["file_path": "/testbed/a.txt", "old_string": "x", "new_string": "w"], status: .error,
            output: "Found 2 matches of the string to replace, but replace_all is false.")
        spans.add("MultiEdit", ["file_path": "/testbed/a.txt", "edits": [["old_string": "x", "new_string": "v", "replace_all": true]]])
        spans.add("Write", ["file_path": "/testbed/b/c.txt", "content": "c"])
        spans.add("Read", ["file_path": "/testbed/a.txt"], output: "1\tv\n2\tv\n3\tz")
        let r = try replay(Trace(header: header(agent: "claude-code"), spans: spans.all), onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied, .failedAsRecorded, .applied, .applied, .served])
        XCTAssertEqual(try r.file("a.txt"), "v\nv\nz\n")
        XCTAssertEqual(try r.file("b/c.txt"), "c")
        XCTAssertTrue(r.run.clean)
        XCTAssertEqual(r.run.commits.count, 3)
        let author = try repo.git("log", "-1", "--format=%an <%ae> %at", r.run.head!.hex)
        XCTAssertEqual(author, "claude-code 9.9 <claude-code@agentreplay.invalid> 1700000041\n")
    }

    func testAnotherAgentsEditToolIsNotReplayedWithClaudeCodeSemantics() throws {
        let repo = try TestRepo(self, files: ["a.txt": "x\n"])
        var spans = Spans()
        spans.add("Edit", ["file_path": "/testbed/a.txt", "old_string": "x", "new_string": "y"])
        spans.add(
            "Edit", ["file_path": "/testbed/a.txt", "old_string": "x", "new_string": "y"],
            effects: [Effect(path: "/testbed/a.txt", operation: .write, content: "from the effect\n")])
        let r = try replay(Trace(header: header(agent: "some-other-agent"), spans: spans.all), onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .applied])
        XCTAssertEqual(try r.file("a.txt"), "from the effect\n")
    }

    func testRecordedEffectsAreAppliedForToolsNoDialectKnows() throws {
        let repo = try TestRepo(self, files: ["old.txt": "old\n", "keep.txt": "keep\n"])
        let blob = try repo.git("hash-object", "-w", "--stdin", "--no-filters").trimmingCharacters(in: .whitespacesAndNewlines)
        // `hash-object --stdin` with no input: the empty blob, now in the object store.
        var spans = Spans()
        spans.add(
            "apply_patch", ["patch": "…"],
            effects: [
                Effect(path: "/testbed/new.txt", operation: .write, content: "new\n"),
                Effect(path: "tools/run.sh", operation: .write, content: "#!/bin/sh\n", executable: true),
                Effect(path: "/testbed/empty", operation: .write, blob: blob),
                Effect(path: "/testbed/old.txt", operation: .delete),
            ])
        let r = try replay(Trace(header: header(), spans: spans.all), onto: repo)
        let step = try XCTUnwrap(r.tools.first)
        XCTAssertEqual(step.verdict, .applied)
        XCTAssertEqual(step.changes.map(\.path), ["empty", "new.txt", "old.txt", "tools/run.sh"])
        XCTAssertEqual(r.run.commits.count, 1, "one span, one commit")
        XCTAssertEqual(
            try repo.git("diff", "--name-status", "HEAD", r.run.head!.hex),
            "A\tempty\nA\tnew.txt\nD\told.txt\nA\ttools/run.sh\n")
        XCTAssertEqual(try repo.git("ls-tree", r.run.head!.hex, "tools/run.sh").prefix(6), "100755")
        XCTAssertEqual(try r.file("empty"), "")
    }

    func testEffectsAreAllOrNothing() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        var spans = Spans()
        spans.add(
            "apply_patch", [:],
            effects: [
                Effect(path: "/testbed/fine.txt", operation: .write, content: "fine\n"),
                Effect(path: "/etc/cron.d/evil", operation: .write, content: "* * * * * root sh\n"),
            ])
        spans.add(
            "apply_patch", [:],
            effects: [
                Effect(path: "/testbed/fine.txt", operation: .write, content: "fine\n"),
                Effect(path: "/testbed/.git/hooks/post-checkout", operation: .write, content: "#!/bin/sh\n", executable: true),
            ])
        spans.add(
            "apply_patch", [:],
            effects: [
                Effect(path: "/testbed/fine.txt", operation: .write, content: "fine\n"),
                Effect(path: "/testbed/missing-blob", operation: .write, blob: String(repeating: "ab", count: 20)),
            ])
        let r = try replay(Trace(header: header(), spans: spans.all), onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.outsideRepo, .refused, .mismatch])
        XCTAssertTrue(r.changedNothing, "no effect of a refused span lands, not even the fine ones")
    }

    func testRecordedTreeIsVerified() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let effect = Effect(path: "b.txt", operation: .write, content: "b\n")
        var once = Spans()
        once.add("apply_patch", [:], effects: [effect])
        let first = try replay(Trace(header: header(), spans: once.all), onto: repo)
        let expected = first.run.finalTree.hex
        // The same tree, computed by git: the base plus b.txt.
        XCTAssertEqual(try repo.git("rev-parse", "\(first.run.head!.hex)^{tree}").trimmingCharacters(in: .whitespacesAndNewlines), expected)

        var again = Spans()
        again.add("apply_patch", [:], effects: [effect], recordedTree: expected)
        again.add("apply_patch", [:], effects: [effect], recordedTree: ObjectID.emptyTree.hex)
        let r = try replay(Trace(header: header(), spans: again.all), onto: repo)
        XCTAssertEqual(r.tools[0].drift, [])
        XCTAssertEqual(r.tools[1].drift, [Drift(kind: .tree, path: "", recorded: ObjectID.emptyTree.hex, replayed: expected)])
    }

    func testReplayStartsOnTheRecordedBaseCommitNotHEAD() throws {
        let repo = try TestRepo(self, files: ["a.txt": "v1\n"])
        let base = try repo.head
        try repo.write(["a.txt": "v2\n"])
        try repo.git("commit", "-qam", "later")
        var spans = Spans()
        spans.add("Edit", ["file_path": "/testbed/a.txt", "old_string": "v1", "new_string": "v1b"])
        let r = try replay(Trace(header: header(agent: "claude-code", baseCommit: base), spans: spans.all), onto: repo)
        XCTAssertEqual(r.run.baseCommit?.hex, base)
        XCTAssertEqual(r.tools.first?.verdict, .applied)
        XCTAssertEqual(try repo.git("rev-parse", "\(r.run.head!.hex)^").trimmingCharacters(in: .whitespacesAndNewlines), base)
    }

    func testDirtyStartTreeGetsASessionStartCommit() throws {
        let repo = try TestRepo(self, files: ["a.txt": "committed\n"])
        let base = try repo.head
        // The session began with an uncommitted change: its tree is recorded, not committed.
        try repo.write(["a.txt": "dirty\n"])
        try repo.git("add", "a.txt")
        let dirtyTree = try repo.git("write-tree").trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.git("reset", "-q", "--hard")
        var spans = Spans()
        spans.add("Edit", ["file_path": "/testbed/a.txt", "old_string": "dirty", "new_string": "edited"])
        let r = try replay(Trace(header: header(agent: "claude-code", baseCommit: base, baseTree: dirtyTree), spans: spans.all), onto: repo)
        XCTAssertEqual(r.run.baseTree.hex, dirtyTree)
        XCTAssertEqual(r.tools.first?.verdict, .applied)
        XCTAssertEqual(try r.file("a.txt"), "edited\n")
        let log = try repo.git("log", "--format=%s", r.run.head!.hex)
        XCTAssertEqual(log, "Edit a.txt\nSession start: the working tree the session began on\nbase\n")
        XCTAssertEqual(try repo.git("rev-parse", "\(r.run.head!.hex)^^{tree}").trimmingCharacters(in: .whitespacesAndNewlines), dirtyTree)
    }

    /// A recorded base the repository does not have (never pushed, rewritten) is not fatal:
    /// the run starts from HEAD (or --base) and says why.
    func testUnknownBaseCommitFallsBackAndSaysSo() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let repository = try repo.open()
        let missing = String(repeating: "1", count: 40)
        let base = try Base.resolve(header: header(baseCommit: missing), revision: nil, in: repository)
        XCTAssertEqual(base.commit, try repository.head())
        XCTAssertEqual(base.choice, .recordedMissing(missing, fallback: .head))
        XCTAssertEqual(base.choiceCode, "recorded-missing/head")
        XCTAssertTrue(base.explanation.contains("is not in the repository"), base.explanation)
        let option = try Base.resolve(header: header(baseCommit: missing), revision: "HEAD", in: repository)
        XCTAssertEqual(option.choice, .recordedMissing(missing, fallback: .option))
    }

    /// With no recorded base and no --base, a HEAD committed after the session started is not
    /// where it began: the newest commit at or before the session's start is.
    func testAHeadAfterTheSessionIsPassedOver() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let first = try repo.open().head()!
        let time = try repo.open().commitCommitter(first).time
        try repo.write(["a.txt": "b\n"])
        _ = try Subprocess.run(
            "/usr/bin/git", ["-c", "user.name=T", "-c", "user.email=t@e", "commit", "-qam", "later"], in: repo.path,
            environment: ["GIT_COMMITTER_DATE": "\(time + 1000) +0000", "GIT_AUTHOR_DATE": "\(time + 1000) +0000"])
        let repository = try repo.open()
        let base = try Base.resolve(header: header(baseCommit: nil), revision: nil, sessionStart: time + 10, in: repository)
        XCTAssertEqual(base.commit, first)
        XCTAssertEqual(base.choice, .sessionStart(examined: 2))
        let later = try Base.resolve(header: header(baseCommit: nil), revision: nil, sessionStart: time + 2000, in: repository)
        XCTAssertEqual(later.commit, try repository.head())
        XCTAssertEqual(later.choice, .head)
    }

    func testBaseRevisionThatContradictsTheRecordedBaseIsAnError() throws {
        let repo = try TestRepo(self, files: ["a.txt": "1\n"])
        let base = try repo.head
        try repo.git("commit", "-q", "--allow-empty", "-m", "next")
        XCTAssertThrowsError(try Base.resolve(header: header(baseCommit: base), revision: "HEAD", in: repo.open()))
        XCTAssertNoThrow(try Base.resolve(header: header(baseCommit: base), revision: "HEAD~1", in: repo.open()))
    }

    /// Import, write the native file, read it back: the replay gives the same commits.
    func testNativeRoundTripReplaysToTheSameCommits() throws {
        let repo = try TestRepo(self, files: ["a.txt": "one\ntwo\n"])
        var log = ClaudeLog()
        log.user("please edit")
        log.read("a.txt", "one\ntwo\n")
        log.edit("a.txt", "one", "1", originalFile: "one\ntwo\n")
        log.write("b.txt", "b\n")
        log.bash("ls")
        log.multiEdit("a.txt", [("1", "uno"), ("two", "dos")])
        let direct = try replay(log, onto: repo)

        let directory = try makeTemporaryDirectory(self, "native")
        let native = directory + "/trace.ndjson"
        try Data(TraceWriter.bytes(direct.trace)).write(to: URL(fileURLWithPath: native))
        let read = try TraceReader.read(path: native)
        XCTAssertEqual(read, direct.trace)
        let again = try replay(read, onto: repo)
        XCTAssertEqual(again.run.commits, direct.run.commits)
        XCTAssertEqual(again.run.commits.count, 3)
        XCTAssertEqual(again.run.finalTree, direct.run.finalTree)
        XCTAssertTrue(again.run.clean)
    }

    func testTruncatedLastLineIsALostSpan() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        var log = ClaudeLog()
        log.edit("a.txt", "a", "b")
        log.raw(#"{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_x","type":"tool_result","content":"The file"#)
        let directory = try makeTemporaryDirectory(self, "trace")
        let path = try log.save(in: directory)
        // Cut the final newline too: the recording stopped mid-write.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path)).dropLast()
        try bytes.write(to: URL(fileURLWithPath: path))
        let r = try replay(Importer.load(path: path), onto: repo)
        XCTAssertEqual(r.tools.first?.verdict, .applied)
        let lost = try XCTUnwrap(r.run.steps.last)
        XCTAssertEqual(lost.kind, .event)
        XCTAssertEqual(lost.verdict, .lost)
        XCTAssertFalse(r.run.clean)
        XCTAssertEqual(try r.file("a.txt"), "b\n")
    }

    func testSubagentFileEditsLandInTimeOrder() throws {
        let repo = try TestRepo(self, files: ["a.txt": "main\n", "s.txt": "sub\n"])
        var main = ClaudeLog()
        main.user("go")  // t0
        main.assistant(calls: [("toolu_task", "Task", ["description": "help", "prompt": "edit s.txt"])])  // t1
        main.at(20)
        // Claude Code 2.x names the subagent in the Task's record: its transcript is the Task's.
        main.result("toolu_task", "done", record: ["status": "completed", "agentId": "a1b2c3"])
        main.edit("a.txt", "main", "main edited", originalFile: "main\n")  // t21, t22

        var sub = ClaudeLog()
        sub.sidechain = true
        sub.agentID = "a1b2c3"
        sub.at(5)
        sub.user("edit s.txt")
        sub.edit("s.txt", "sub", "sub edited", originalFile: "sub\n")
        sub.edit("a.txt", "main", "main by sub", originalFile: "main\n")
        sub.edit("a.txt", "main by sub", "main", originalFile: "main by sub\n")

        let directory = try makeTemporaryDirectory(self, "trace")
        let path = try main.save(in: directory)
        try FileManager.default.createDirectory(atPath: directory + "/session/subagents", withIntermediateDirectories: true)
        _ = try sub.save(in: directory + "/session/subagents", name: "agent-a1b2c3.jsonl")
        let r = try replay(Importer.load(path: path), onto: repo)
        // Its subagent's edits are replayed: the Task leaves nothing unseen, and the run is verified.
        XCTAssertTrue(r.run.clean, r.run.steps.map { "\($0.name) \($0.verdict) \($0.drift) unverified=\($0.unverified)" }.joined(separator: "\n"))
        XCTAssertFalse(try r.step("toolu_task").unseenEffects)
        XCTAssertEqual(r.tools.filter { $0.toolName == "Edit" }.map(\.verdict), [.applied, .applied, .applied, .applied])
        XCTAssertEqual(try r.file("a.txt"), "main edited\n")
        XCTAssertEqual(try r.file("s.txt"), "sub edited\n")
        // The sub-agent's edits come before the main session's later one, by time.
        XCTAssertEqual(r.tools.filter { $0.toolName == "Edit" }.map { $0.paths.first ?? "" }, ["s.txt", "a.txt", "a.txt", "a.txt"])
    }
}
