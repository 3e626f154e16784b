import Sessions
import Trace
import XCTest

/// Session names resolved against a listing, and the short ids a listing shows: plain values.
final class SessionNameTests: XCTestCase {
    func summary(_ id: String, error: String? = nil) -> SessionSummary {
        SessionSummary(id: id, path: "/logs/\(id).jsonl", agent: "claude-code", format: "claude-code", cwd: "/repo", error: error)
    }

    func testLastAndLastN() throws {
        let sessions = [summary("ccc"), summary("bad", error: "not JSON"), summary("bbb"), summary("aaa")]
        XCTAssertEqual(try SessionName.resolve("last", in: sessions, repository: "/repo")?.id, "ccc")
        XCTAssertEqual(try SessionName.resolve("last~1", in: sessions, repository: "/repo")?.id, "bbb", "logs that cannot be read are not counted")
        XCTAssertEqual(try SessionName.resolve("last~2", in: sessions, repository: "/repo")?.id, "aaa")
        XCTAssertThrowsError(try SessionName.resolve("last~3", in: sessions, repository: "/repo")) { error in
            XCTAssertEqual("\(error)", "last~3: the repository has 3 sessions (last~2 is the oldest)")
        }
        XCTAssertThrowsError(try SessionName.resolve("last", in: [], repository: "/repo"))
    }

    func testPrefixes() throws {
        let sessions = [summary("5d0c1f6e-aaaa"), summary("5d0c2b00-bbbb"), summary("019e1a2b-cccc")]
        XCTAssertEqual(try SessionName.resolve("019", in: sessions, repository: "/repo")?.id, "019e1a2b-cccc")
        XCTAssertEqual(try SessionName.resolve("5D0C1", in: sessions, repository: "/repo")?.id, "5d0c1f6e-aaaa", "case does not matter")
        XCTAssertNil(try SessionName.resolve("ffff", in: sessions, repository: "/repo"))
        XCTAssertThrowsError(try SessionName.resolve("5d0c", in: sessions, repository: "/repo")) { error in
            XCTAssertEqual("\(error)", "5d0c: 2 sessions have an id starting with it: 5d0c1f6e-aaaa, 5d0c2b00-bbbb")
        }
    }

    func testNamesAndPaths() {
        for name in ["last", "last~2", "5d0c1f6e", "ses_0abc"] { XCTAssertTrue(SessionName.looksLikeName(name), name) }
        for path in ["session.jsonl", "./last", "logs/a", "last~", "last~x", ""] { XCTAssertFalse(SessionName.looksLikeName(path), path) }
    }

    func testShortIDsGrowUntilUnique() {
        let ids = SessionName.shortIDs([summary("5d0c1f6e11-a"), summary("5d0c1f6e22-b"), summary("019e1a2b-c"), summary("short")])
        XCTAssertEqual(ids, ["5d0c1f6e1", "5d0c1f6e2", "019e1a2b", "short"])
    }

    func testBelongsToTheTopOrBelow() {
        XCTAssertTrue(SessionIndex.belongs("/home/dev/calc", to: "/home/dev/calc"))
        XCTAssertTrue(SessionIndex.belongs("/home/dev/calc/sub/", to: "/home/dev/calc"))
        XCTAssertFalse(SessionIndex.belongs("/home/dev/calculator", to: "/home/dev/calc"))
        XCTAssertFalse(SessionIndex.belongs("/home/dev", to: "/home/dev/calc"))
    }

    func testClaudeFolderNames() {
        XCTAssertEqual(SessionStores.claudeFolderName("/home/dev/my_project.v2"), "-home-dev-my-project-v2")
    }

    func testStoresFromTheEnvironment() {
        let stores = SessionStores(environment: ["HOME": "/h", "CODEX_HOME": "/c/", "XDG_CACHE_HOME": "/x"])
        XCTAssertEqual(stores.claudeProjects, ["/h/.claude/projects"])
        XCTAssertEqual(stores.codexSessions, ["/c/sessions", "/c/archived_sessions"])
        XCTAssertEqual(stores.geminiTmp, "/h/.gemini/tmp")
        XCTAssertEqual(stores.openCodeStorage, "/h/.local/share/opencode/storage")
        XCTAssertEqual(stores.cacheFile, "/x/agentreplay/sessions.ndjson")
    }
}
