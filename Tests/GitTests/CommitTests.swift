import XCTest

@testable import Git

final class CommitTests: XCTestCase {
    private let author = Signature(name: "Agent Smith", email: "agent@example.com", time: 1_700_000_123, offsetMinutes: 120)
    private let committer = Signature(name: "Replay", email: "replay@example.com", time: 1_700_000_456, offsetMinutes: -300)

    func testCreateCommitIsDeterministicAndReadableByGit() throws {
        let fixture = try Fixture(self, files: ["a.txt": "a\n"])
        let repository = try fixture.open()
        let parent = try repository.resolveCommit("HEAD")
        let tree = try repository.tree(ofCommit: parent)
        let message = "Span 3: Edit a.txt\n\nbody\n"
        let first = try repository.createCommit(tree: tree, parents: [parent], author: author, committer: committer, message: message)
        let second = try repository.createCommit(tree: tree, parents: [parent], author: author, committer: committer, message: message)
        XCTAssertEqual(first, second)
        XCTAssertEqual(
            try fixture.git("cat-file", "-p", first.hex),
            """
            tree \(tree.hex)
            parent \(parent.hex)
            author Agent Smith <agent@example.com> 1700000123 +0200
            committer Replay <replay@example.com> 1700000456 -0500

            Span 3: Edit a.txt

            body

            """)
        XCTAssertEqual(try fixture.git("rev-parse", "HEAD"), parent.hex + "\n", "HEAD must not move")
        XCTAssertEqual(try repository.commitParents(first), [parent])
        XCTAssertEqual(try repository.commitMessage(first), message)
        XCTAssertEqual(try repository.commitAuthor(first), author)
        XCTAssertEqual(try repository.commitCommitter(first), committer)
        XCTAssertEqual(try repository.tree(ofCommit: first), tree)
    }

    func testSameIDAsGitCommitTree() throws {
        let fixture = try Fixture(self, files: ["a.txt": "a\n"])
        let repository = try fixture.open()
        let head = try repository.resolveCommit("HEAD")
        let tree = try repository.tree(ofCommit: head)
        let signature = Signature(name: "Test User", email: "test@example.com", time: 1_700_000_000)
        let ours = try repository.createCommit(tree: tree, parents: [head], author: signature, committer: signature, message: "msg\n")
        XCTAssertEqual(ours, try fixture.id("commit-tree", tree.hex, "-p", head.hex, "-m", "msg"))
    }

    func testRootCommitOnEmptyTreeAndMerge() throws {
        let fixture = try Fixture(self)
        let repository = try fixture.open()
        let root = try repository.createCommit(tree: .emptyTree, parents: [], author: author, committer: committer, message: "root\n")
        XCTAssertEqual(try repository.commitParents(root), [])
        let other = try repository.createCommit(tree: .emptyTree, parents: [], author: author, committer: committer, message: "other\n")
        let merge = try repository.createCommit(tree: .emptyTree, parents: [root, other], author: author, committer: committer, message: "merge\n")
        XCTAssertEqual(try repository.commitParents(merge), [root, other])
        XCTAssertEqual(try fixture.git("rev-list", "--parents", "-n1", merge.hex), "\(merge.hex) \(root.hex) \(other.hex)\n")
    }

    func testInvalidSignatureThrows() throws {
        let fixture = try Fixture(self)
        let repository = try fixture.open()
        let bad = Signature(name: "a<b>", email: "x@example.com", time: 0)
        XCTAssertThrowsError(try repository.createCommit(tree: .emptyTree, parents: [], author: bad, committer: bad, message: "m")) { error in
            XCTAssertEqual((error as? GitError)?.function, "git_signature_new")
        }
    }
}
