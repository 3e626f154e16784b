import Foundation
import XCTest

@testable import Replay
import Importers
import TestSupport
import Trace

/// OpenCode sessions replayed onto real repositories: a real export reproducing its commit,
/// `edit` with OpenCode's fallback replacers, `apply_patch` as OpenCode reads patches, a turn
/// summary that shows a formatter ran, and tools replay does not know.
final class OpenCodeReplayTests: XCTestCase {
    static let fixtures = packageRoot + "/fixtures/opencode"

    func file(_ path: String) throws -> String { try String(contentsOfFile: Self.fixtures + "/" + path, encoding: .utf8) }

    func describe(_ r: Replayed) -> String {
        r.tools.map { "\($0.index) \($0.name) \($0.verdict) \($0.note ?? "") \($0.drift)" }.joined(separator: "\n")
    }

    func testARealExportReproducesItsCommit() throws {
        let repo = try TestRepo(self, files: ["AGENTS.md": try file("base/AGENTS.md"), "README.md": try file("base/README.md")])
        let trace = try Importer.load(path: Self.fixtures + "/opencode-1.2.16__reglint-agents-md.json")
        let r = try replay(trace, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .served, .applied, .served], describe(r))
        XCTAssertEqual(try r.file("AGENTS.md"), try file("expected/AGENTS.md"))
        XCTAssertTrue(r.run.clean, describe(r))
    }

    /// A trace of OpenCode tool calls, all recorded as completed unless `error` is given.
    func session(_ calls: [(tool: String, input: JSON, output: String?, metadata: JSON?)], summary: JSON? = nil) -> Trace {
        var spans: [Span] = []
        for (i, call) in calls.enumerated() {
            let attributes = Attributes([
                (GenAI.toolName, .string(call.tool)), (GenAI.toolCallID, .string("c\(i)")),
                (GenAI.workingDirectory, .string("/w")),
            ])
            spans.append(
                Span(
                    id: Span.ID(String(format: "%016x", i + 1)), kind: .tool, name: call.tool, status: call.output == nil ? .error : .ok,
                    attributes: attributes, input: call.input, output: .string(call.output ?? "Error: failed"), details: call.metadata))
        }
        if let summary {
            spans.append(
                Span(
                    id: Span.ID("00000000000000ff"), kind: .tool, name: "turn-summary", status: .ok,
                    attributes: Attributes([(GenAI.toolName, .string("turn-summary")), ("agentreplay.opencode.synthetic", .bool(true))]),
                    input: .object([("diffs", summary)])))
        }
        return Trace(
            header: Trace.Header(traceID: String(repeating: "a", count: 32), agentName: "opencode", repoRoot: "/w", sourceFormat: "opencode"),
            spans: spans)
    }

    func edit(_ path: String, _ old: String, _ new: String, replaceAll: Bool = false) -> JSON {
        .object([("filePath", .string(path)), ("oldString", .string(old)), ("newString", .string(new)), ("replaceAll", .bool(replaceAll))])
    }

    func testEditFallsBackToOpenCodesReplacers() throws {
        let repo = try TestRepo(self, files: ["a.ts": "function f() {\n    return 1\n}\nconst x = 'a'\nconst x = 'a'\n", "b.txt": "a\r\nb\r\n"])
        let r = try replay(
            session([
                ("edit", edit("/w/a.ts", "\treturn 1", "  return 2"), "Edit applied successfully.", nil),  // trimmed lines match
                ("edit", edit("a.ts", "const x = 'a'", "const x = 'b'"), nil, nil),  // two matches: refused
                ("edit", edit("a.ts", "const x = 'a'", "const x = '$&!'", replaceAll: true), "Edit applied successfully.", nil),
                ("edit", edit("b.txt", "a\nb", "c\nd"), "Edit applied successfully.", nil),  // the file's CRLF
                ("edit", edit("a.ts", "nowhere", "x"), "Edit applied successfully.", nil),
            ]), onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied, .failedAsRecorded, .applied, .applied, .mismatch], describe(r))
        XCTAssertEqual(try r.file("a.ts"), "function f() {\n  return 2\n}\nconst x = 'const x = 'a'!'\nconst x = 'const x = 'a'!'\n")
        XCTAssertEqual(try r.file("b.txt"), "c\r\nd\r\n")
        XCTAssertEqual(r.tools[4].note?.contains("Could not find oldString"), true)
    }

    func testApplyPatchIsReadAsOpenCodeReadsIt() throws {
        let repo = try TestRepo(self, files: ["a.md": "one\ntwo\nthree\n", "gone.md": "x\n"])
        let patch = "*** Begin Patch\n*** Update File: /w/a.md\n@@\n-two\n+TWO\n*** Add File: new.md\n+hello\n*** Delete File: gone.md\n*** End Patch"
        let files: JSON = .array([
            .object([("filePath", .string("/w/a.md")), ("before", .string("one\ntwo\nthree\n")), ("after", .string("one\nTWO\nthree\n"))])
        ])
        let bad = "*** Begin Patch\n*** Update File: a.md\n@@\n-nothing\n+x\n*** End Patch"
        let r = try replay(
            session([
                ("apply_patch", .object([("patchText", .string(patch))]), "Success.", .object([("files", files)])),
                ("apply_patch", .object([("patchText", .string(bad))]), nil, nil),
            ]), onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied, .failedAsRecorded], describe(r))
        XCTAssertEqual(try r.file("a.md"), "one\nTWO\nthree\n")
        XCTAssertEqual(try r.file("new.md"), "hello\n")
        XCTAssertNil(try r.file("gone.md"))
        XCTAssertTrue(r.run.clean, describe(r))
    }

    func testATurnSummaryShowsWhatAFormatterDid() throws {
        let repo = try TestRepo(self, files: ["t.md": "|a|b|\n"])
        let summary: JSON = .array([.object([("file", .string("t.md")), ("after", .string("| a | b |\n")), ("status", .string("modified"))])])
        let r = try replay(
            session(
                [
                    (
                        "write", .object([("filePath", .string("t.md")), ("content", .string("|a|b|\n|c|d|\n"))]), "Wrote file successfully.",
                        .object([("exists", .bool(true))])
                    )
                ], summary: summary), onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied, .served], describe(r))
        XCTAssertEqual(r.tools[1].drift.first?.kind, .afterImage, describe(r))
        XCTAssertFalse(r.run.clean)
    }

    func testReadsAreCheckedAndUnknownToolsAreNotReplayable() throws {
        let repo = try TestRepo(self, files: ["r.txt": "alpha\nbeta\n"])
        let r = try replay(
            session([
                (
                    "read", .object([("filePath", .string("/w/r.txt"))]),
                    "<path>/w/r.txt</path>\n<type>file</type>\n<content>\n1: alpha\n2: BETA\n\n(End of file - total 2 lines)\n</content>", nil
                ),
                ("glob", .object([("pattern", .string("*"))]), "r.txt", nil),
                ("mcp_thing", .object([]), "ok", nil),
            ]), onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .served, .notReplayable], describe(r))
        XCTAssertEqual(r.tools[0].drift.first?.line, 2)
        XCTAssertEqual(r.tools[0].drift.first?.recorded, "BETA")
    }
}
