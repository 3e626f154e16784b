import CGit2Support
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The file a loose object is written to before it has its name has no name at all: a
/// process killed while storing a trace (before it holds the repository lock, so no clean-up
/// could tell whose a named leftover is) leaves nothing in the repository.
final class AnonymousTemporaryTests: XCTestCase {
    func testAnAnonymousFileIsSeenOnlyOnceNamedAndNeverReplacesAName() throws {
        let dir = try makeTemporaryDirectory(self)
        let fd = agentreplay_anonymous_temporary(dir)
        // Linux's file systems for /tmp (ext4, tmpfs, xfs, btrfs) all have O_TMPFILE.
        XCTAssertGreaterThanOrEqual(fd, 0, String(cString: strerror(errno)))
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array("object bytes\n".utf8)
        XCTAssertEqual(write(fd, bytes, bytes.count), bytes.count)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [], "written, and still without a name")

        XCTAssertEqual(agentreplay_link_anonymous(fd, dir + "/object"), 0, String(cString: strerror(errno)))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["object"])
        XCTAssertEqual(FileManager.default.contents(atPath: dir + "/object"), Data(bytes))

        try Data("there before\n".utf8).write(to: URL(fileURLWithPath: dir + "/taken"))
        XCTAssertEqual(agentreplay_link_anonymous(fd, dir + "/taken"), -1)
        XCTAssertEqual(errno, EEXIST)
        XCTAssertEqual(FileManager.default.contents(atPath: dir + "/taken"), Data("there before\n".utf8), "never replaced")
    }

    func testAnAnonymousFileClosedUnnamedLeavesNothing() throws {
        let dir = try makeTemporaryDirectory(self)
        let fd = agentreplay_anonymous_temporary(dir)
        // Linux's file systems for /tmp (ext4, tmpfs, xfs, btrfs) all have O_TMPFILE.
        XCTAssertGreaterThanOrEqual(fd, 0, String(cString: strerror(errno)))
        guard fd >= 0 else { return }
        XCTAssertEqual(write(fd, "half an object", 14), 14)
        close(fd)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }
}
