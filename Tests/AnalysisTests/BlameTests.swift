import Analysis
import Foundation
import Git
import Replay
import Trace
import XCTest

/// Blame through real replays onto repositories made with git, checked line by line and
/// against `git blame --porcelain` over the run's commits where the two mean the same.
final class BlameTests: XCTestCase {
    static let base = "alpha\nbeta\ngamma\ndelta\nepsilon\n"

    func testUntouchedFileIsAllBase() throws {
        var f = try BlameFixture(self, files: ["a.txt": Self.base, "b.txt": "other\n"])
        f.turn()
        f.edit("b.txt", "other", "changed")
        let run = try f.replay()
        let blame = try f.blame(run, "a.txt")
        XCTAssertEqual(blame.lines.map(\.text), ["alpha", "beta", "gamma", "delta", "epsilon"])
        XCTAssertEqual(blame.lines.map(\.number), [1, 2, 3, 4, 5])
        XCTAssertEqual(blame.spans, [nil, nil, nil, nil, nil])
        XCTAssertEqual(blame.baseCommit, f.base.commit)
        XCTAssertEqual(try f.gitBlame(run, "a.txt"), blame.spans)
    }

    func testCreatedFileBelongsToItsSpanTurnAndCall() throws {
        var f = try BlameFixture(self, files: ["a.txt": Self.base])
        let turn = f.turn()
        let write = f.write("src/new.txt", "one\ntwo\n")
        let run = try f.replay()
        let blame = try f.blame(run, "src/new.txt")
        XCTAssertEqual(blame.spans, [write, write])
        let owner = try XCTUnwrap(blame.lines[0].owner)
        XCTAssertEqual(owner.turnID, turn)
        XCTAssertEqual(owner.toolName, "Write")
        XCTAssertEqual(owner.callID, "call_2")
        XCTAssertEqual(owner.commit, run.steps[owner.step].commit)
        XCTAssertNotNil(owner.commit)
        XCTAssertEqual(try f.gitBlame(run, "src/new.txt"), blame.spans)
    }

    func testEditOwnsOnlyTheLinesItChanged() throws {
        var f = try BlameFixture(self, files: ["a.txt": Self.base])
        f.turn()
        let edit = f.edit("a.txt", "gamma\n", "GAMMA\ngamma-and-a-half\n")
        let run = try f.replay()
        let blame = try f.blame(run, "a.txt")
        XCTAssertEqual(blame.lines.map(\.text), ["alpha", "beta", "GAMMA", "gamma-and-a-half", "delta", "epsilon"])
        XCTAssertEqual(blame.spans, [nil, nil, edit, edit, nil, nil])
        XCTAssertEqual(try f.gitBlame(run, "a.txt"), blame.spans)
    }

    func testLineEditedSeveralTimesNamesTheLastSpan() throws {
        var f = try BlameFixture(self, files: ["a.txt": Self.base])
        let turn1 = f.turn()
        let e1 = f.edit("a.txt", "beta", "beta 1")
        let e2 = f.edit("a.txt", "delta", "delta 1")
        let turn2 = f.turn()
        let e3 = f.edit("a.txt", "beta 1", "beta 2")
        let e4 = f.edit("a.txt", "beta 2", "beta 3")
        f.edit("a.txt", "alpha\n", "")  // deletes line 1
        let run = try f.replay()
        let blame = try f.blame(run, "a.txt")
        XCTAssertEqual(blame.lines.map(\.text), ["beta 3", "gamma", "delta 1", "epsilon"])
        XCTAssertEqual(blame.spans, [e4, nil, e2, nil])
        XCTAssertEqual(blame.lines[0].owner?.turnID, turn2)
        XCTAssertEqual(blame.lines[2].owner?.turnID, turn1)
        XCTAssertEqual(blame.owners.map(\.spanID), [e2, e4])
        XCTAssertFalse(blame.spans.contains(e1) || blame.spans.contains(e3))
        XCTAssertEqual(try f.gitBlame(run, "a.txt"), blame.spans)
    }

    func testWriteOverAFileKeepsTheLinesItDidNotChange() throws {
        var f = try BlameFixture(self, files: ["a.txt": Self.base])
        f.turn()
        let e1 = f.edit("a.txt", "beta", "BETA")
        let w = f.write("a.txt", "alpha\nBETA\ngamma\nnew line\nepsilon\n")
        let run = try f.replay()
        let blame = try f.blame(run, "a.txt")
        XCTAssertEqual(blame.spans, [nil, e1, nil, w, nil])
        XCTAssertEqual(try f.gitBlame(run, "a.txt"), blame.spans)
    }

    func testMoveCarriesOwnershipWithTheContent() throws {
        var f = try BlameFixture(self, files: ["old/a.txt": Self.base])
        f.turn()
        let e1 = f.edit("old/a.txt", "beta", "BETA")
        let moved = "alpha\nBETA\ngamma\ndelta\nepsilon\n"
        let mv = f.move("old/a.txt", "new/b.txt", content: moved)
        let e2 = f.edit("new/b.txt", "delta", "DELTA")
        let run = try f.replay()
        XCTAssertEqual(run.steps.first { $0.spanID == mv }?.changes.count, 2)
        let blame = try f.blame(run, "new/b.txt")
        XCTAssertEqual(blame.lines.map(\.text), ["alpha", "BETA", "gamma", "DELTA", "epsilon"])
        XCTAssertEqual(blame.spans, [nil, e1, nil, e2, nil], "the move itself owns no line")
        // git blame follows the rename too.
        XCTAssertEqual(try f.gitBlame(run, "new/b.txt"), blame.spans)
        // The old path no longer exists: it was moved.
        XCTAssertThrowsError(try f.blame(run, "old/a.txt")) { error in
            guard case let .deleted(path, by, movedTo)? = error as? Blame.Failure else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "old/a.txt")
            XCTAssertEqual(by.spanID, mv)
            XCTAssertEqual(movedTo, "new/b.txt")
            XCTAssertTrue("\(error)".contains("moved to new/b.txt by span \(mv) (tool call call_"), "\(error)")
        }
    }

    func testMoveOntoAnExistingFileTakesTheMovedContentsOwners() throws {
        var f = try BlameFixture(self, files: ["a.txt": "one\ntwo\n", "b.txt": "old b\n"])
        f.turn()
        let e1 = f.edit("a.txt", "two", "TWO")
        f.move("a.txt", "b.txt", content: "one\nTWO\n")
        let run = try f.replay()
        XCTAssertEqual(try f.blame(run, "b.txt").spans, [nil, e1])
    }

    func testMoveWithEditsInTheSameSpanFollowsTheContent() throws {
        var f = try BlameFixture(self, files: ["a.txt": Self.base, "unrelated.txt": "x\ny\nz\n"])
        f.turn()
        let e1 = f.edit("a.txt", "beta", "BETA")
        // One span moves a.txt with one line changed, and replaces unrelated.txt by a new file.
        let mv = f.call(
            "shell", [("command", .string("mv a.txt b.txt && sed … && mv unrelated.txt c.txt …"))],
            effects: [
                Effect(path: f.root + "/a.txt", operation: .delete),
                Effect(path: f.root + "/b.txt", operation: .write, content: "alpha\nBETA\ngamma\nDELTA\nepsilon\n"),
                Effect(path: f.root + "/unrelated.txt", operation: .delete),
                Effect(path: f.root + "/c.txt", operation: .write, content: "p\nq\ny\n"),
            ])
        let run = try f.replay()
        let b = try f.blame(run, "b.txt")
        XCTAssertEqual(b.spans, [nil, e1, nil, mv, nil])
        XCTAssertEqual(try f.gitBlame(run, "b.txt"), b.spans)
        // One line in three from unrelated.txt is not a move: all of c.txt is the span's.
        let c = try f.blame(run, "c.txt")
        XCTAssertEqual(c.spans, [mv, mv, mv])
        XCTAssertEqual(try f.gitBlame(run, "c.txt"), c.spans)
    }

    func testDeletedAndNeverCreatedFilesAreErrors() throws {
        var f = try BlameFixture(self, files: ["a.txt": Self.base])
        f.turn()
        f.edit("a.txt", "beta", "BETA")
        let rm = f.delete("a.txt")
        let run = try f.replay()
        XCTAssertThrowsError(try f.blame(run, "a.txt")) { error in
            XCTAssertEqual(
                error as? Blame.Failure,
                .deleted(
                    path: "a.txt",
                    by: Blame.Owner(
                        step: 2, spanID: rm, spanName: "shell", toolName: "shell", callID: "call_3",
                        turnID: run.steps[0].spanID, commit: run.steps[2].commit), movedTo: nil))
            XCTAssertEqual("\(error)", "a.txt does not exist after the run: it was deleted by span \(rm) (tool call call_3) and not written again")
        }
        XCTAssertThrowsError(try f.blame(run, "nowhere.txt")) { error in
            XCTAssertEqual(error as? Blame.Failure, .neverCreated(path: "nowhere.txt"))
            XCTAssertEqual("\(error)", "nowhere.txt does not exist after the run: it is not in the base and no span created it")
        }
    }

    func testRecreatedFileBelongsToTheRecreatingSpan() throws {
        var f = try BlameFixture(self, files: ["a.txt": Self.base])
        f.turn()
        f.edit("a.txt", "beta", "BETA")
        f.delete("a.txt")
        // Same text as the base and the first edit had: still new lines of the new span.
        let w = f.write("a.txt", "alpha\nBETA\nzeta\n")
        let e = f.edit("a.txt", "zeta", "ZETA")
        let run = try f.replay()
        let blame = try f.blame(run, "a.txt")
        XCTAssertEqual(blame.spans, [w, w, e])
        XCTAssertEqual(try f.gitBlame(run, "a.txt"), blame.spans)
    }

    func testMissingFinalNewlineIsALineOfItsOwn() throws {
        var f = try BlameFixture(self, files: ["a.txt": "one\ntwo"])
        f.turn()
        let e = f.edit("a.txt", "two", "two\nthree")
        let run = try f.replay()
        let blame = try f.blame(run, "a.txt")
        XCTAssertEqual(blame.lines.map(\.text), ["one", "two", "three"])
        // "two" gained a newline: a different line, as git sees it.
        XCTAssertEqual(blame.spans, [nil, e, e])
        XCTAssertEqual(try f.gitBlame(run, "a.txt"), blame.spans)
    }

    func testEmptyFileHasNoLines() throws {
        var f = try BlameFixture(self, files: ["a.txt": "x\n"])
        f.turn()
        f.write("empty.txt", "")
        let run = try f.replay()
        XCTAssertEqual(try f.blame(run, "empty.txt").lines, [])
    }

    func testReadsOnlyTheBlobsOfStepsThatChangedTheFile() throws {
        var f = try BlameFixture(self, files: ["a.txt": Self.base, "b.txt": "b\n"])
        f.turn()
        for i in 0..<10 { f.edit("b.txt", i == 0 ? "b" : "b\(i - 1)", "b\(i)") }
        f.edit("a.txt", "beta", "BETA")
        f.edit("a.txt", "gamma", "GAMMA")
        let run = try f.replay()
        var reads: [ObjectID] = []
        let blame = try f.blame(run, "a.txt") { id in
            reads.append(id)
            return try f.repository.blob(id)
        }
        XCTAssertEqual(blame.spans.compactMap { $0 }.count, 2)
        XCTAssertEqual(reads.count, 3, "the base version and the two edits, each once")
        XCTAssertEqual(Set(reads).count, 3)
    }

    func testRepoPathAcceptsRecordedRootPaths() {
        XCTAssertEqual(try Blame.repoPath("src/a.swift", recordedRoot: "/home/dev/p").get(), "src/a.swift")
        XCTAssertEqual(try Blame.repoPath("./src//a.swift", recordedRoot: nil).get(), "src/a.swift")
        XCTAssertEqual(try Blame.repoPath("/home/dev/p/src/a.swift", recordedRoot: "/home/dev/p").get(), "src/a.swift")
        XCTAssertThrowsError(try Blame.repoPath("/etc/passwd", recordedRoot: "/home/dev/p").get())
        XCTAssertThrowsError(try Blame.repoPath("../a.swift", recordedRoot: "/home/dev/p").get())
    }

    /// Many edits of unique lines (so the diff has one right answer), checked against
    /// `git blame`. Deterministic: a fixed seed.
    func testRandomEditsAgreeWithGitBlame() throws {
        var lines = (0..<30).map { "base line \($0)" }
        var f = try BlameFixture(self, files: ["f.txt": lines.map { $0 + "\n" }.joined()])
        var random = BlameSplitMix(seed: 42)
        var fresh = 0
        func newLines(_ n: Int) -> [String] {
            defer { fresh += n }
            return (0..<n).map { "new line \(fresh + $0)" }
        }
        for step in 0..<60 {
            if step % 7 == 0 { f.turn() }
            switch random.next(4) {
            case 0 where lines.count > 3:  // replace a range
                let at = random.next(lines.count - 2), n = 1 + random.next(2)
                let replacement = newLines(random.next(3) + 1)
                f.edit("f.txt", lines[at..<at + n].joined(separator: "\n") + "\n", replacement.joined(separator: "\n") + "\n")
                lines.replaceSubrange(at..<at + n, with: replacement)
            case 1 where lines.count > 3:  // delete a range
                let at = random.next(lines.count - 2), n = 1 + random.next(2)
                f.edit("f.txt", lines[at..<at + n].joined(separator: "\n") + "\n", "")
                lines.removeSubrange(at..<at + n)
            case 2:  // insert after a line
                let at = random.next(lines.count)
                let inserted = newLines(1 + random.next(3))
                f.edit("f.txt", lines[at] + "\n", ([lines[at]] + inserted).joined(separator: "\n") + "\n")
                lines.insert(contentsOf: inserted, at: at + 1)
            default:  // rewrite the whole file, changing a few lines
                var rewritten = lines
                for _ in 0..<3 { rewritten[random.next(rewritten.count)] = newLines(1)[0] }
                f.write("f.txt", rewritten.map { $0 + "\n" }.joined())
                lines = rewritten
            }
        }
        let run = try f.replay()
        let blame = try f.blame(run, "f.txt")
        XCTAssertEqual(blame.lines.map(\.text), lines)
        XCTAssertEqual(try f.gitBlame(run, "f.txt"), blame.spans)
        XCTAssertGreaterThan(Set(blame.spans.compactMap { $0 }).count, 10)
    }
}

/// A small deterministic generator (SplitMix64) for the random-edit test.
struct BlameSplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(bound))
    }
}
