import Foundation
import XCTest

/// What people and scripts see, pinned: help, errors with their hints, reports with and
/// without colour, `--quiet`, and the exit status, each stream in its own snapshot file
/// (`Support/Snapshot.swift` says how to re-record). Commands run from the package root on
/// the example session (fixtures/example) and its repository, built by its script.
final class SnapshotTests: XCTestCase {
    var repo = ""
    var cache = ""

    override func setUpWithError() throws {
        let folder = try makeTemporaryDirectory(self, "snapshots")
        repo = folder + "/calc"
        cache = folder + "/cache"
        let made = try Subprocess.run(packageRoot + "/fixtures/example/make-repo.sh", [repo], in: packageRoot, environment: GitCLI.environment)
        XCTAssertEqual(made.status, 0, made.stderrText)
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Subprocess.Result {
        // COLUMNS: help is wrapped to it when standard output is not a terminal.
        try CLI.run(arguments, in: packageRoot, environment: ["XDG_CACHE_HOME": cache, "COLUMNS": "80"].merging(environment) { $1 })
    }

    let session = "fixtures/example/session.jsonl"
    let other = "fixtures/example/session-b.jsonl"

    // MARK: Help and version

    func testHelp() throws {
        Snapshot.assert(try run(["--help"]), matches: "help")
        Snapshot.assert(try run(["run", "--help"]), matches: "help-run")
        Snapshot.assert(try run(["export", "--help"]), matches: "help-export")
        Snapshot.assert(try run(["--version"]), matches: "version")
    }

    // MARK: Reports, colour and quiet

    func testRunReport() throws {
        Snapshot.assert(try run(["run", session, "--repo", repo, "--no-refs"]), matches: "run")
    }

    func testColorAlwaysWinsOverNoColor() throws {
        // CLI.environment sets NO_COLOR=1: an explicit --color always still colours.
        Snapshot.assert(try run(["run", session, "--repo", repo, "--no-refs", "--color", "always"]), matches: "run-color")
    }

    func testAutoColourIsOffInAPipeAndUnderNoColor() throws {
        let plain = try run(["run", session, "--repo", repo, "--no-refs"])
        XCTAssertFalse(plain.stdoutText.contains("\u{1B}["))
        // NO_COLOR empty does not count (no-color.org); standard output is a pipe: still plain.
        let empty = try run(["run", session, "--repo", repo, "--no-refs", "--color", "auto"], environment: ["NO_COLOR": ""])
        XCTAssertEqual(empty.stdout, plain.stdout)
        let never = try run(["run", session, "--repo", repo, "--no-refs", "--color=never"], environment: ["NO_COLOR": ""])
        XCTAssertEqual(never.stdout, plain.stdout)
    }

    func testQuietPrintsNothingButKeepsTheStatusAndDataAskedFor() throws {
        Snapshot.assert(try run(["run", session, "--repo", repo, "--no-refs", "--quiet"]), matches: "run-quiet")
        let drift = try run(["diff", session, other, "--repo", repo, "-q"])
        XCTAssertEqual(drift.status, 1, "the answer is still the exit status")
        XCTAssertEqual(drift.stdout, [])
        let json = try run(["run", session, "--repo", repo, "--no-refs", "--json", "-q"])
        XCTAssertEqual(json.status, 3, "unverified: the session runs `python -m unittest`")
        XCTAssertTrue(json.stdoutText.hasPrefix("{"), "--json is data asked for: written even with --quiet")
    }

    func testDiffReport() throws {
        Snapshot.assert(try run(["diff", session, other, "--repo", repo, "--color", "always"]), matches: "diff-color")
    }

    func testBlameReport() throws {
        Snapshot.assert(try run(["blame", session, "calc/ops.py", "--repo", repo]), matches: "blame")
        Snapshot.assert(try run(["why", session, "calc/ops.py:25", "--repo", repo]), matches: "why")
        Snapshot.assert(try run(["why", session, "calc/ops.py:15", "--repo", repo]), matches: "why-base-line")
    }

    func testBisectReport() throws {
        Snapshot.assert(
            try run(["bisect", session, "--repo", repo, "--test", "! grep -q 'def divide' calc/ops.py", "--color", "always"]),
            matches: "bisect-color")
    }

    func testExport() throws {
        Snapshot.assert(try run(["export", "--otlp", "--replay", session, "--repo", repo]), matches: "export-otlp-replay")
    }

    // MARK: Errors: a message, a hint, status 2

    func testErrorsCarryAHint() throws {
        Snapshot.assert(try run(["run", "no-such-session.jsonl", "--repo", repo]), matches: "error-missing-trace")
        Snapshot.assert(try run(["run", session, "--repo", repo, "--base", "no-such-rev"]), matches: "error-bad-base")
        Snapshot.assert(try run(["run", session, "--repo", "/nonexistent/agentreplay-repo"]), matches: "error-not-a-repository")
        Snapshot.assert(try run(["blame", session, "calc/nope.py", "--repo", repo]), matches: "error-blame-missing-file")
        Snapshot.assert(try run(["run", "--bogus", session]), matches: "error-unknown-option")
        Snapshot.assert(try run(["run", session, "--color", "sometimes"]), matches: "error-bad-color")
        Snapshot.assert(try run(["export", session]), matches: "error-export-without-format")
        Snapshot.assert(try run(["bisect", session, "--repo", repo]), matches: "error-bisect-without-test")
        Snapshot.assert(try run(["run", "fixtures/example", "--repo", repo]), matches: "error-directory")
    }

    func testErrorsAreColouredOnlyWhenAsked() throws {
        let coloured = try run(["run", "no-such-session.jsonl", "--color", "always"])
        XCTAssertEqual(coloured.status, 2)
        XCTAssertTrue(coloured.stderrText.hasPrefix("\u{1B}[31magentreplay: error:\u{1B}[0m "), coloured.stderrText)
        XCTAssertTrue(coloured.stderrText.contains("\u{1B}[2mhint:\u{1B}[0m "), coloured.stderrText)
        let plain = try run(["run", "no-such-session.jsonl", "--color", "always", "--color=never"])
        XCTAssertFalse(plain.stderrText.contains("\u{1B}["), "the last --color wins")
    }
}
