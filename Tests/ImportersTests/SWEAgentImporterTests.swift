import Foundation
import XCTest

@testable import Importers
import Trace

/// How a SWE-agent trajectory becomes spans: the action line read as bash and `argparse`
/// would read it, the header from `replay_config` and `info`, the submission, lines of the
/// pretty-printed document kept on every span, and bad input.
final class SWEAgentImporterTests: XCTestCase {
    static let real = packageRoot + "/fixtures/swe-agent/swe-agent-1.0.1__psf-requests-2317.traj"

    func load(_ t: SWEAgentTrajectory, pretty: Bool = true) throws -> Trace {
        let directory = try makeTemporaryDirectory(self)
        return try Importer.load(path: t.save(in: directory, pretty: pretty), displayName: "run.traj")
    }

    func loadError(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> TraceError {
        let directory = try makeTemporaryDirectory(self)
        let path = directory + "/bad.traj"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        do {
            let trace = try Importer.load(path: path, format: .sweAgent, displayName: "bad.traj")
            XCTFail("imported \(trace.spans.count) spans without an error", file: file, line: line)
            throw NoError()
        } catch let error as TraceError {
            return error
        }
    }

    // MARK: The real trajectory

    func testRealTrajectory() throws {
        XCTAssertEqual(try SourceFormat.detect(path: Self.real), .sweAgent)
        let trace = try Importer.load(path: Self.real)
        XCTAssertEqual(trace.header.agentName, "swe-agent")
        XCTAssertEqual(trace.header.agentVersion, "1.0.1")
        XCTAssertEqual(trace.header.baseCommit, "091991be0da19de9108dbe5e3752917fea3d7fdc")
        XCTAssertEqual(trace.header.repoRoot, "/testbed")
        XCTAssertEqual(trace.spans.filter { $0.kind == .llm }.count, 20)
        let tools = trace.spans.filter { $0.kind == .tool }
        XCTAssertEqual(tools.map { $0.toolName ?? "" }.filter { $0 == "str_replace_editor" }.count, 13)
        XCTAssertEqual(tools.map { $0.toolName ?? "" }.filter { $0 == "bash" }.count, 6)
        XCTAssertEqual(tools.last?.toolName, "submit")
        XCTAssertNotNil(tools.last?.details?["submission"]?.stringValue)

        // The failed str_replace: `action`, not `response`, read as the shell reads it.
        let failed = try XCTUnwrap(tools.first { $0.status == .error })
        XCTAssertEqual(failed.attributes[GenAI.sourceID], "trajectory[10]")
        XCTAssertEqual(failed.input?["command"], "str_replace")
        XCTAssertEqual(failed.input?["path"], "/testbed/requests/sessions.py")
        XCTAssertEqual(failed.input?["old_str"], "# Method should be case-insensitive\n        method = builtin_str(method).upper()")
        XCTAssertEqual(
            failed.input?["new_str"],
            "# Method should be case-insensitive\n        if isinstance(method, bytes):\n            method = method.decode('ascii').upper()\n        else:\n            method = builtin_str(method).upper()"
        )

        // Every span names the line its step starts on in the pretty-printed file.
        let lines = try String(contentsOfFile: Self.real, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let line = try XCTUnwrap(failed.attributes[GenAI.sourceLine]?.intValue)
        XCTAssertEqual(lines[Int(line) - 1].trimmingCharacters(in: .whitespaces), "{")
        XCTAssertTrue(lines[Int(line)].contains(#""action": "str_replace_editor str_replace /testbed/requests/sessions.py"#))

        let usage = try XCTUnwrap(trace.spans.first { $0.name == "model usage (whole run)" })
        XCTAssertEqual(usage.attributes[GenAI.inputTokens], 85454)
        XCTAssertEqual(usage.attributes[GenAI.outputTokens], 3242)
    }

    // MARK: Actions

    func testEditorActionsAreReadAsBashAndArgparseReadThem() {
        func parse(_ s: String) -> SWEAgentAction { SWEAgentAction.parse(s) }
        XCTAssertEqual(
            parse(#"str_replace_editor str_replace /testbed/a.py   --old_str 'it'"'"'s' --new_str "a \"b\" \$c""#),
            .editor([("command", "str_replace"), ("path", "/testbed/a.py"), ("old_str", "it's"), ("new_str", "a \"b\" $c")]))
        XCTAssertEqual(
            parse("str_replace_editor view /testbed/a.py  --view_range 3 -1"),
            .editor([("command", "view"), ("path", "/testbed/a.py"), ("view_range", [3, -1])]))
        XCTAssertEqual(
            parse("str_replace_editor insert /testbed/a.py --insert_line=4 --new_str 'x\n\ty'"),
            .editor([("command", "insert"), ("path", "/testbed/a.py"), ("new_str", "x\n\ty"), ("insert_line", 4)]))
        XCTAssertEqual(
            parse("str_replace_editor create /testbed/a.py --file_t 'abbreviated option'"),
            .editor([("command", "create"), ("path", "/testbed/a.py"), ("file_text", "abbreviated option")]))
        XCTAssertEqual(
            parse("str_replace_editor str_replace /testbed/a.py --old_str '-    x' --new_str -"),
            .editor([("command", "str_replace"), ("path", "/testbed/a.py"), ("old_str", "-    x"), ("new_str", "-")]),
            "a value with a space, or a lone dash, is not an option")
        XCTAssertEqual(
            parse("str_replace_editor str_replace /testbed/a.py --old_str -x"),
            .editorUsageError("str_replace_editor: error: argument --old_str: expected one argument"))
        XCTAssertEqual(
            parse("str_replace_editor insert /testbed/a.py --insert_line two --new_str x"),
            .editorUsageError("str_replace_editor: error: argument --insert_line: invalid int value: 'two'"))
        XCTAssertEqual(parse("str_replace_editor view"), .editorUsageError("str_replace_editor: error: the following arguments are required: path"))
        XCTAssertEqual(parse("submit"), .submit)
        for shell in [
            "ls -la", "str_replace_editor view /testbed/*.py", "cd /testbed && str_replace_editor view a",
            "str_replace_editor view /testbed/a.py > out", "str_replace_editor view $HOME/a", "python x.py\npython y.py", "'unterminated",
        ] {
            XCTAssertEqual(parse(shell), .shell, shell)
        }
    }

    // MARK: Building spans

    func testStepsBecomeTurnsWithTheirCalls() throws {
        var t = SWEAgentTrajectory()
        t.baseCommit = "4444444444444444444444444444444444444444"
        t.create("a.py", "x = 1\n")
        t.strReplace(
            "a.py", "x", "y", observation: "No replacement was performed. Multiple occurrences of old_str `x` in lines []. Please ensure it is unique"
        )
        t.bash("python a.py", observation: "1")
        t.submission = "diff --git a/a.py b/a.py\n"
        t.submit()
        for pretty in [true, false] {
            let trace = try load(t, pretty: pretty)
            XCTAssertEqual(trace.header.baseCommit, "4444444444444444444444444444444444444444")
            XCTAssertEqual(trace.header.agentVersion, "1.0.1")
            XCTAssertEqual(
                trace.kinds,
                ["user", "llm", "tool:str_replace_editor", "llm", "tool:str_replace_editor", "llm", "tool:bash", "llm", "tool:submit", "event"])
            XCTAssertEqual(trace.spans[1].model, "test-model")
            XCTAssertEqual(trace.spans[1].output, ["text": "Next step.", "tool_calls": ["trajectory[0]"]])
            XCTAssertEqual(trace.spans[2].parentID, trace.spans[1].id)
            XCTAssertEqual(trace.spans[2].input, ["command": "create", "path": "/testbed/a.py", "file_text": "x = 1\n"])
            XCTAssertEqual(trace.spans[2].status, .ok)
            XCTAssertEqual(trace.spans[4].status, .error)
            XCTAssertEqual(trace.spans[6].input, ["command": "python a.py"])
            XCTAssertEqual(trace.spans[6].output, "1")
            XCTAssertEqual(trace.spans[8].details, ["submission": "diff --git a/a.py b/a.py\n", "exit_status": "submitted"])
            XCTAssertEqual(trace.spans[9].attributes["agentreplay.usage.api_calls"], 4)
            // Lines: pretty-printed, each step on its own line; on one line, all on line 1.
            let lines = trace.spans.filter { $0.kind == .tool }.compactMap { $0.attributes[GenAI.sourceLine]?.intValue }
            XCTAssertEqual(Set(lines).count, pretty ? 4 : 1)
        }
    }

    func testASubmissionWithoutASubmitStepGetsOne() throws {
        var t = SWEAgentTrajectory()
        t.exitStatus = "submitted (exit_cost)"
        t.bash("ls")
        t.submission = ""
        let trace = try load(t)
        let submit = try XCTUnwrap(trace.spans.first { $0.toolName == "submit" })
        XCTAssertEqual(submit.attributes["agentreplay.synthetic"], true)
        XCTAssertEqual(submit.details, ["submission": "", "exit_status": "submitted (exit_cost)"])
    }

    func testReplayConfigMayBeAnObject() throws {
        let text =
            #"{"trajectory": [], "info": {"swe_agent_version": "1.1.0"}, "replay_config": {"env": {"repo": {"repo_name": "owner__proj", "base_commit": "5555555555555555555555555555555555555555"}}}}"#
        let directory = try makeTemporaryDirectory(self)
        let path = directory + "/x.traj"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try SourceFormat.detect(path: path), .sweAgent)
        let trace = try Importer.load(path: path)
        XCTAssertEqual(trace.header.repoRoot, "/owner__proj")
        XCTAssertEqual(trace.header.baseCommit, "5555555555555555555555555555555555555555")
    }

    // MARK: Bad input

    func testBadInputNamesTheFileLineAndField() throws {
        var e = try loadError("{\n  \"trajectory\": [\n    {\"action\": \"ls\",\n     \"observation\": 7\n    }\n  ]\n}\n")
        XCTAssertEqual(e.description, "bad.traj:3: field 'trajectory[0].observation': expected a string, found a number")
        e = try loadError("{\n  \"trajectory\": [\n    {\"action\": \"ls\",,}\n  ]\n}\n")
        XCTAssertEqual(e.line, 3)
        XCTAssertTrue(e.message.hasPrefix("not valid JSON"), e.message)
        e = try loadError("{\"trajectory\": {}}")
        XCTAssertEqual(e.field, "trajectory")
        e = try loadError("{\"trajectory\": [], \"replay_config\": \"{not json\"}")
        XCTAssertEqual(e.field, "replay_config")
        e = try loadError("{\"trajectory\": [], \"info\": {\"submission\": 3}}")
        XCTAssertEqual(e.field, "info.submission")
        e = try loadError("[1, 2]")
        XCTAssertEqual(e.line, 1)
        e = try loadError("{\"history\": []}")
        XCTAssertEqual(e.field, "trajectory")
    }
}
