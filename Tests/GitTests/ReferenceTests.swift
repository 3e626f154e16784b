import XCTest

@testable import Git

final class ReferenceTests: XCTestCase {
    func testSetListAndDeleteReferences() throws {
        let fixture = try Fixture(self, files: ["a.txt": "a\n"])
        let repository = try fixture.open()
        let head = try repository.resolveCommit("HEAD")
        try repository.setReference("refs/agentreplay/run/b", to: head, message: "replay")
        try repository.setReference("refs/agentreplay/last", to: head, message: "replay")
        try repository.setReference("refs/agentreplay/run/a", to: head, message: "replay")
        XCTAssertEqual(try fixture.git("show-ref", "--", "refs/agentreplay/last"), "\(head.hex) refs/agentreplay/last\n")
        XCTAssertEqual(try repository.reference("refs/agentreplay/last"), head)
        XCTAssertEqual(try repository.reference("HEAD"), head)
        XCTAssertNil(try repository.reference("refs/agentreplay/missing"))

        let listed = try repository.references(withPrefix: "refs/agentreplay/")
        XCTAssertEqual(listed.map(\.name), ["refs/agentreplay/last", "refs/agentreplay/run/a", "refs/agentreplay/run/b"])
        XCTAssertEqual(Set(listed.map(\.id)), [head])
        XCTAssertEqual(try repository.references(withPrefix: "refs/heads/").map(\.name), ["refs/heads/main"])

        // force-moves an existing reference
        let tree = try repository.tree(ofCommit: head)
        let signature = Signature(name: "R", email: "r@example.com", time: 1)
        let next = try repository.createCommit(tree: tree, parents: [head], author: signature, committer: signature, message: "next\n")
        try repository.setReference("refs/agentreplay/last", to: next, message: "move")
        XCTAssertEqual(try fixture.git("rev-parse", "refs/agentreplay/last"), next.hex + "\n")

        try repository.deleteReference("refs/agentreplay/run/a")
        try repository.deleteReference("refs/agentreplay/run/a")  // already gone: fine
        XCTAssertEqual(try repository.references(withPrefix: "refs/agentreplay/run/").map(\.name), ["refs/agentreplay/run/b"])
        XCTAssertNotEqual(try fixture.git.run(["show-ref", "--verify", "refs/agentreplay/run/a"]).status, 0)
    }

    func testInvalidReferenceNameThrows() throws {
        let fixture = try Fixture(self, files: ["a.txt": "a\n"])
        let repository = try fixture.open()
        XCTAssertThrowsError(try repository.setReference("refs/bad..name", to: repository.resolveCommit("HEAD"), message: "")) { error in
            XCTAssertTrue(error is GitError)
        }
    }
}
