import XCTest

@testable import Replay
import Trace

/// The reading of Codex code-mode scripts: JS literals and their escapes, the statements that
/// surround tool calls in real sessions, and every way a file-changing call could hide.
final class CodexScriptTests: XCTestCase {
    func calls(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> [CodexScript.Call] {
        do {
            return try CodexScript.calls(source)
        } catch {
            XCTFail("unreadable (\(error.reason)): \(source)", file: file, line: line)
            return []
        }
    }

    func unreadable(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            let found = try CodexScript.calls(source)
            XCTFail("read as \(found): \(source)", file: file, line: line)
            return nil
        } catch {
            return error.reason
        }
    }

    func patch(_ text: String) -> CodexScript.Call { CodexScript.Call(tool: "apply_patch", argument: .string(text)) }

    func testStringEscapes() {
        let table: [(String, String)] = [
            (#""a\nb\t\"c\"""#, "a\nb\t\"c\""),
            (#"'it\'s'"#, "it's"),
            (#""\x41\u0042\u{43}\u{1F600}""#, "ABC😀"),
            (#""\uD83D\uDE00""#, "😀"),
            (#""\0\b\f\v\r""#, "\0\u{08}\u{0C}\u{0B}\r"),
            (#""a\qb\$""#, "aqb$"),
            ("\"a\\\nb\"", "ab"),
            ("`a\nb\\`c`", "a\nb`c"),
            ("`a\r\nb`", "a\nb"),
            ("`${x}y`", "PREy"),
            (#""a" + 'b' + `c`"#, "abc"),
        ]
        for (literal, expected) in table {
            XCTAssertEqual(calls("const x = \"PRE\";\ntext(await tools.apply_patch(\(literal)));"), [patch(expected)], literal)
        }
    }

    func testRealShapes() {
        XCTAssertEqual(
            calls("const patch = \"*** Begin Patch\\n*** End Patch\";\ntext(await tools.apply_patch(patch));\n"),
            [patch("*** Begin Patch\n*** End Patch")])
        XCTAssertEqual(calls("const patch=\"P\";const result = await tools.apply_patch(patch);\ntext(result);\n"), [patch("P")])
        let command: JSON = ["cmd": "git status", "workdir": "/w", "yield_time_ms": .number("10000"), "max_output_tokens": .number("20000")]
        let exec = CodexScript.Call(tool: "exec_command", argument: command)
        XCTAssertEqual(
            calls(
                "const r = await tools.exec_command({cmd:\"git status\",\"workdir\":\"/w\",\"yield_time_ms\":10000,\"max_output_tokens\":20000}); text(r.output);\n"
            ), [exec])
        XCTAssertEqual(
            calls(
                "const r=await tools.exec_command({\"cmd\":'git status',workdir:\"/w\",yield_time_ms:10000,max_output_tokens:20000,});\nif(r.session_id) text(`session ${r.session_id}`); else text(r.output)"
            ), [exec])
        XCTAssertEqual(
            calls(
                "let {output,...rest}=await tools.exec_command({cmd:\"git status\",workdir:\"/w\",yield_time_ms:10000,max_output_tokens:20000});text(rest);text(output);"
            ), [exec])
        XCTAssertEqual(
            calls(
                "const script=\"/s/fetch.py\";\nconst r = await tools.exec_command({cmd:`python ${script} | jq '.x'`,workdir:\"/w\"});\ntext(r.output);"
            ),
            [CodexScript.Call(tool: "exec_command", argument: ["cmd": "python /s/fetch.py | jq '.x'", "workdir": "/w"])])
        XCTAssertEqual(
            calls("const cmd = `ls`;\nconst r = await tools.exec_command({cmd, workdir: \"/w\"})\ntext(r.output)"),
            [CodexScript.Call(tool: "exec_command", argument: ["cmd": "ls", "workdir": "/w"])])
        XCTAssertEqual(
            calls("const r = await tools.write_stdin({session_id:91184,chars:\"\",yield_time_ms:1000}); text(JSON.stringify(r));"),
            [CodexScript.Call(tool: "write_stdin", argument: ["session_id": .number("91184"), "chars": "", "yield_time_ms": .number("1000")])])
        XCTAssertEqual(
            calls(
                "const a = await tools.exec_command({cmd:\"a\"});\nconst b = await tools.exec_command({cmd:\"b\"})\ntext(JSON.stringify({a:a.output,b:b.output}));"
            ).map { $0.argument["cmd"] },
            ["a", "b"])
        XCTAssertEqual(calls("text((await tools.apply_patch('P')).trim())"), [patch("P")])
    }

    func testReadOnlyToolsAnywhere() {
        XCTAssertEqual(calls("const r = await tools.update_plan({plan:[{step:\"a\",status:\"done\"}]}); text(r);"), [])
        XCTAssertEqual(
            calls(
                "const qs=[\"a\",\"b\"];const rs=await Promise.all(qs.map(query=>tools.mcp__probe__search_code({path:\"/w\",query})));rs.forEach((r,i)=>{text(`${i}`);for(const c of (r.content||[]))if(c.type===\"text\")text(c.text);});"
            ), [])
        XCTAssertEqual(calls("const matches=ALL_TOOLS.filter(x=>/probe|search.code/i.test(x.name+' '+x.description));text(matches);"), [])
        XCTAssertEqual(
            calls("const r = await tools.mcp__codex_apps__github_fetch_pr({repo_full_name:\"o/r\",pr_number:Number(pr)}); text(`${tools.web__run}`)"),
            [])
        XCTAssertEqual(
            calls(
                "const r=await tools.exec_command({cmd:\"gh api x\"});const data=JSON.parse(r.output);for(const t of (data.threads||[])){if(!t.ok){const s=t.body.replace(/<[^>]*>/g,\"\").replace(/\\s+/g,\" \").trim();text(JSON.stringify({s}));}}"
            ).count, 1)
    }

    func testCallsReplayCannotFollow() {
        let table: [(String, String)] = [
            ("await tools.delete_file({path:\"a\"})", "a tool replay does not know"),
            ("await tools[name]({cmd:\"rm a\"})", "other than as tools.NAME"),
            ("const t = tools; await t.apply_patch(p)", "other than as tools.NAME"),
            ("const f = tools.apply_patch; await f(\"P\")", "other than by calling it"),
            ("if (x) await tools.apply_patch(\"P\")", "cannot follow"),
            ("if (x) { await tools.apply_patch(\"P\") }", "inside a block"),
            ("for (const p of ps) { await tools.apply_patch(p) }", "inside a block"),
            ("Promise.all([tools.exec_command({cmd:\"a\"}), tools.exec_command({cmd:\"b\"})])", "or an array"),
            ("const qs = [tools.exec_command({cmd:\"a\"})]; await Promise.all(qs)", "or an array"),
            ("await Promise.all([tools.apply_patch(\"P\"), tools.apply_patch(\"Q\")])", "start together"),
            ("await Promise.all([tools.exec_command({cmd:\"a\"}), f()])", "or an array"),
            ("const cmds = [\"a\"]; cmds.push(\"rm x\"); await Promise.all(cmds.map(cmd => tools.exec_command({cmd})))", "cannot follow"),
            ("const cmds = [\"a\"]; await Promise.all(cmds.map(cmd => tools.exec_command({cmd: other})))", "not a literal"),
            ("const cmds = [\"a\"]; await Promise.all(cmds.map(cmd => { return tools.exec_command({cmd}) }))", "after a `return`"),
            ("ps.map(p => tools.apply_patch(p))", "cannot follow"),
            ("x && await tools.apply_patch(\"P\")", "cannot follow"),
            ("const r = x ? await tools.apply_patch(\"P\") : 1", "cannot follow"),
            ("tools.apply_patch(\"P\")", "without `await`"),
            ("return; await tools.apply_patch(\"P\")", "after a `return`"),
            ("await tools.apply_patch(patch)", "not a literal"),
            ("let p = \"a\"; p = \"b\"; await tools.apply_patch(p)", "not a literal"),
            ("var p = \"a\"; var p = \"b\"; await tools.apply_patch(p)", "not a literal"),
            ("await tools.apply_patch(\"a\" + x)", "not a literal"),
            ("await tools.exec_command({cmd: `rm ${f}`})", "not a literal"),
            ("await tools.exec_command({cmd: \"a\", ...o})", "not a literal"),
            ("await tools.exec_command({[k]: \"a\"})", "not a literal"),
            ("await tools.apply_patch(\"P\", extra)", "not a literal"),
            ("text(`${await tools.apply_patch(\"P\")}`)", "inside a template"),
            ("eval(\"tools.apply_patch('P')\")", "`eval`"),
            ("new Function(\"return tools\")()", "`Function`"),
            ("globalThis.tools.apply_patch(\"P\")", "`globalThis`"),
            ("[][\"constructor\"]", "in a string"),
            ("x.constructor.constructor(s)()", "`constructor`"),
            ("const s = \"a; <!-- b\"; x <!-- tools.apply_patch('P')", "HTML-like comment"),
            ("if (a) {}\n/tools.apply_patch('P')/.test(s)", "a / after }"),
            ("await tools.apply_patch(\"unterminated)", "not closed"),
            ("await tools.apply_patch(\"\\1\")", "octal"),
            ("await tools.apply_patch((\"P\")", "unbalanced"),
        ]
        for (source, expected) in table {
            guard let reason = unreadable(source) else { continue }
            XCTAssertTrue(reason.contains(expected), "\(source): \(reason)")
        }
    }

    func testCallsStartedTogether() {
        let read = calls(
            "const [a, b, c] = await Promise.all([\n  tools.mcp__probe__search_code({path:\"/w\",query:\"q\"}),\n  tools.exec_command({cmd:\"git status\"}),\n  tools.exec_command({cmd:\"ls\"}),\n]);\nfor (const r of [a,b,c]) text(r.output ?? r);\nconst r = await tools.exec_command({cmd:\"pwd\"});"
        )
        XCTAssertEqual(read.map { $0.argument["cmd"] }, ["git status", "ls", "pwd"])
        XCTAssertEqual(read.map(\.group), [0, 0, nil])
        let mapped = calls(
            "const cmds=[\n\"sed -n '1,9p' a.go\",\n\"cat b.go\"\n];\nconst rs=await Promise.all(cmds.map(cmd=>tools.exec_command({cmd,workdir:\"/w\"})));\nrs.forEach((r,i)=>text(\"CMD \"+i+\"\\n\"+r.output));\nconst results = await Promise.all(cmds.map((c) => tools.exec_command({cmd: c})));"
        )
        XCTAssertEqual(mapped.map { $0.argument["cmd"] }, ["sed -n '1,9p' a.go", "cat b.go", "sed -n '1,9p' a.go", "cat b.go"])
        XCTAssertEqual(mapped.map(\.group), [0, 0, 1, 1])
        XCTAssertEqual(mapped[0].argument["workdir"], "/w")
    }

    func testCommentsAndLineBreaks() {
        XCTAssertEqual(calls("// tools.apply_patch('no')\n/* tools.delete_file() */ text(await tools.apply_patch('P'))"), [patch("P")])
        XCTAssertEqual(calls("const r =\n  await tools.apply_patch('P')\ntext(r)"), [patch("P")])
        XCTAssertEqual(calls("text('a')\nawait tools.apply_patch('P')"), [patch("P")])
        XCTAssertEqual(calls("const s = 'a / b'; const n = 4 / 2; const re = /\\/tools[/]/g;\nawait tools.apply_patch('P')"), [patch("P")])
    }
}
