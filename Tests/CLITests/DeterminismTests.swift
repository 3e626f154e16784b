import Foundation
import XCTest

/// The same trace on the same base gives the same bytes and the same commit ids: across runs,
/// clone folders, time zones and locales; and through `import` to the native format.
final class DeterminismTests: XCTestCase {
    let files = ["a.txt": "one\ntwo\nthree\n", "lib/b.swift": "let b = 1\n"]

    func sessionLog() -> SessionLog {
        var log = SessionLog()
        log.user("go")
        log.read("a.txt", "one\ntwo\nthree\n")
        log.edit("a.txt", "two", "2")
        log.bash("swift build")
        log.write("lib/c.swift", "let c = 3\n")
        log.edit("lib/b.swift", "1", "10")
        // Drift, so the document has drift in it too: lines as text, with no record of the
        // whole file (which replay would recover onto `swift build` instead). `swift build`
        // may explain it: the run is unverified (exit 3).
        log.tool("Read", ["file_path": SessionLog.absolute("a.txt")], result: "1\tone\n2\t2\n3\tTHREE")
        return log
    }

    func testJSONIsByteIdenticalAcrossRunsClonesTimeZonesAndLocales() throws {
        let origin = try TestRepo(self, files: files)
        let logs = try makeTemporaryDirectory(self, "logs")
        let log = try sessionLog().save(logs + "/session.jsonl")

        var outputs: [[UInt8]] = []
        let settings: [[String: String]] = [
            ["TZ": "UTC", "LANG": "C"],
            ["TZ": "Asia/Kolkata", "LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8"],
            ["TZ": "America/St_Johns", "LANG": "ja_JP.UTF-8"],
        ]
        for (i, environment) in settings.enumerated() {
            // A fresh clone in a folder of a different name and depth each time.
            let parent = try makeTemporaryDirectory(self, "clone-\(i)") + String(repeating: "/deeper", count: i)
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try origin.git("clone", "-q", origin.path, parent + "/work-\(i)")
            for _ in 0..<2 {
                let r = try CLI.run(["run", log, "--repo", parent + "/work-\(i)", "--json"], in: parent, environment: environment)
                XCTAssertEqual(r.status, 3, "\(r)")
                XCTAssertEqual(r.stderrText, "")
                outputs.append(r.stdout)
            }
        }
        for output in outputs.dropFirst() {
            XCTAssertEqual(output, outputs[0], String(decoding: output, as: UTF8.self))
        }
        let document = try RunJSON(outputs[0])
        XCTAssertEqual(document.object["schema"] as? String, "agentreplay.run")
        XCTAssertEqual(document.object["version"] as? Int, 1)
        XCTAssertEqual(document.commits.count, 3)
        XCTAssertEqual(outputs[0].last, 0x0A)
        let text = String(decoding: outputs[0], as: UTF8.self)
        XCTAssertFalse(text.contains(logs), "no path of this machine in the output")
        XCTAssertFalse(text.contains(origin.path))
    }

    func testCommitIdsAreTheSameInEveryCloneAndMatchGit() throws {
        let origin = try TestRepo(self, files: files)
        let logs = try makeTemporaryDirectory(self, "logs")
        let log = try sessionLog().save(logs + "/session.jsonl")
        var heads: [String] = []
        for i in 0..<2 {
            let clone = try makeTemporaryDirectory(self, "clone") + "/w\(i)"
            try origin.git("clone", "-q", origin.path, clone)
            _ = try CLI.run(["run", log, "--repo", clone], in: clone, environment: ["TZ": i == 0 ? "UTC" : "Pacific/Chatham"])
            heads.append(try GitCLI(directory: clone)("rev-parse", "refs/agentreplay/last"))
            // git agrees with what was written: the commit's dates are the trace's, in UTC.
            XCTAssertEqual(
                try GitCLI(directory: clone)("log", "-1", "--format=%ad %an", "--date=iso-strict", "refs/agentreplay/last"),
                "2025-06-01T10:00:10+00:00 claude-code 2.1.100\n")
        }
        XCTAssertEqual(heads[0], heads[1])
    }

    func testImportThenRunGivesTheSameCommitsAsRunningTheLog() throws {
        let origin = try TestRepo(self, files: files)
        let logs = try makeTemporaryDirectory(self, "logs")
        try sessionLog().save(logs + "/session.jsonl")

        let imported = try CLI.run(["import", "session.jsonl", "-o", "trace.ndjson"], in: logs)
        XCTAssertEqual(imported.status, 0, "\(imported)")
        XCTAssertEqual(imported.stdoutText, "")
        let toStdout = try CLI.run(["import", "session.jsonl"], in: logs)
        XCTAssertEqual(
            toStdout.stdout, try [UInt8](Data(contentsOf: URL(fileURLWithPath: logs + "/trace.ndjson"))), "-o and stdout hold the same bytes")
        let again = try CLI.run(["import", "trace.ndjson"], in: logs)
        XCTAssertEqual(again.stdout, toStdout.stdout, "importing the native file writes it back unchanged")

        let direct = try CLI.run(["run", "session.jsonl", "--repo", origin.path, "--json", "--no-refs"], in: logs)
        let native = try CLI.run(["run", "trace.ndjson", "--repo", origin.path, "--json", "--no-refs"], in: logs)
        XCTAssertEqual(direct.status, 3, "\(direct)")
        XCTAssertEqual(native.status, 3, "\(native)")
        XCTAssertEqual(try RunJSON(native.stdout).commits, try RunJSON(direct.stdout).commits)
        XCTAssertEqual(try RunJSON(native.stdout).head, try RunJSON(direct.stdout).head)
        XCTAssertEqual(native.stdout, direct.stdout, "the whole document is the same")
    }

    func testImportOfABadLogExitsTwo() throws {
        let logs = try makeTemporaryDirectory(self, "logs")
        var log = SessionLog()
        log.user("x")
        log.raw("{not json")
        log.user("y")
        try log.save(logs + "/session.jsonl")
        let r = try CLI.run(["import", "session.jsonl", "-o", "out.ndjson"], in: logs)
        XCTAssertEqual(r.status, 2, "\(r)")
        XCTAssertEqual(r.stdoutText, "")
        XCTAssertTrue(r.stderrText.contains("session.jsonl:2: invalid JSON"), r.stderrText)
        XCTAssertFalse(FileManager.default.fileExists(atPath: logs + "/out.ndjson"), "no partial output")
    }
}
