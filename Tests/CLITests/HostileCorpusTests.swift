import Foundation
import XCTest

/// The hostile corpus (fixtures/hostile/): every case of manifest.tsv run through the built
/// binary, with the exit status and the message the manifest says; no case may crash, and a
/// `run` may change nothing in the repository but refs under refs/agentreplay/. Then the
/// large cases, generated here: a million spans with no edits, and a trace of large spans
/// streamed with memory that does not grow with the file (`AGENTREPLAY_HOSTILE_BYTES` sets
/// its size; scripts/hostile-large runs it at 2 GiB).
final class HostileCorpusTests: XCTestCase {
    static let folder = packageRoot + "/fixtures/hostile"

    struct Case {
        var line: Int
        var file: String
        /// `NAME=VALUE` words before the command: the environment it runs with.
        var environment: [String: String] = [:]
        var arguments: [String]
        var repo: String?
        var status: Int32
        var fragment: String
    }

    static func manifest() throws -> [Case] {
        let text = try String(contentsOfFile: folder + "/manifest.tsv", encoding: .utf8)
        var cases: [Case] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 5, let status = Int32(columns[3]) else {
                throw NSError(
                    domain: "manifest.tsv", code: index + 1,
                    userInfo: [NSLocalizedDescriptionKey: "manifest.tsv:\(index + 1): five tab-separated columns expected"])
            }
            var words = columns[1].split(separator: " ").map(String.init)
            var environment: [String: String] = [:]
            while let first = words.first, let equals = first.firstIndex(of: "="),
                first.prefix(upTo: equals).allSatisfy({ $0.isUppercase || $0 == "_" })
            {
                environment[String(first[..<equals])] = String(first[first.index(after: equals)...])
                words.removeFirst()
            }
            cases.append(
                Case(
                    line: index + 1, file: columns[0], environment: environment, arguments: words,
                    repo: columns[2] == "-" ? nil : columns[2], status: status, fragment: columns[4]))
        }
        return cases
    }

    func testTheManifestNamesEveryCaseAndEveryFormat() throws {
        let cases = try Self.manifest()
        let root = Self.folder + "/cases"
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(atPath: root))
        var files: Set<String> = []
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue { files.insert(name) }
        }
        XCTAssertEqual(Set(cases.map(\.file)), files, "manifest.tsv and cases/ name the same files")
        let formats = Set(cases.map { $0.file.split(separator: "/")[0] })
        for format in ["native", "claude-code", "codex", "swe-agent", "openhands", "gemini", "agent-strace", "otlp"] {
            XCTAssertTrue(formats.contains(Substring(format)), "no case for \(format)")
            for kind in ["truncated-end", "wrong-type", "missing-field", "bad-utf8", "huge-number", "deep-nesting"] {
                XCTAssertTrue(files.contains { $0.hasPrefix(format + "/" + kind + ".") }, "\(format) has no \(kind) case")
            }
        }
    }

    func testEveryCaseEndsAsTheManifestSays() throws {
        let cases = try Self.manifest()
        XCTAssertGreaterThan(cases.count, 100)
        let work = try makeTemporaryDirectory(self, "hostile")
        for (number, c) in cases.enumerated() {
            var arguments = c.arguments.map { $0 == "{case}" ? c.file : $0 }
            var repo: TestRepo?
            var before: [String: String] = [:]
            if let kind = c.repo {
                let path = work + "/repo\(number)"
                // Each kind is made once by make-repo.sh, then copied whole for each case.
                let template = work + "/repo-template-" + kind
                if !FileManager.default.fileExists(atPath: template) {
                    let made = try Subprocess.run(
                        "/bin/bash", [Self.folder + "/make-repo.sh", kind, template], in: work, environment: GitCLI.environment)
                    XCTAssertEqual(made.status, 0, made.stderrText)
                }
                let copied = try Subprocess.run("/bin/cp", ["-a", template, path], in: work)
                XCTAssertEqual(copied.status, 0, copied.stderrText)
                repo = TestRepo(existing: path)
                arguments = arguments.map { $0 == "{repo}" ? path : $0 }
                before = try RepositoryState.of(path)
            }
            let r = try CLI.run(arguments, in: Self.folder + "/cases", environment: c.environment)
            let context = "manifest.tsv:\(c.line): \(c.file) (\(c.arguments.joined(separator: " ")))\n\(r)"
            XCTAssertEqual(r.status, c.status, context)
            // Nothing from a log reaches a terminal as a control sequence: no ESC, C1 or bidi
            // control on standard error, none in a text report (JSON and traces escape ESC
            // and C1 themselves; `--color always` writes agentreplay's own SGR sequences).
            let coloured = c.arguments.contains("always")
            XCTAssertNil(Self.control(in: r.stderrText, allowSGR: coloured), "standard error holds a control character; " + context)
            let data =
                c.arguments.first == "import" || c.arguments.first == "export" || c.arguments.contains("--json") || c.arguments.contains("--output")
            XCTAssertNil(Self.control(in: r.stdoutText, allowSGR: coloured, bidi: !data), "standard output holds a control character; " + context)
            XCTAssertTrue((r.stdoutText + r.stderrText).contains(c.fragment), "fragment «\(c.fragment)» missing; " + context)
            if c.status == 2 {
                XCTAssertTrue(r.stderrText.hasPrefix("agentreplay: error: "), context)
                XCTAssertTrue(r.stdout.isEmpty, "bad input writes nothing to stdout; " + context)
                if !c.file.hasPrefix("any/") {
                    // Every message of a bad log names the file and the line.
                    XCTAssertTrue(r.stderrText.contains(c.file + ":"), "the message names the file; " + context)
                }
            }
            // Nothing written beside the repositories (paths that escape the root).
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work).filter { !$0.hasPrefix("repo") }, [], context)
            XCTAssertFalse(FileManager.default.fileExists(atPath: work + "/../etc/passwd"), context)
            if let repo {
                XCTAssertEqual(try RepositoryState.of(repo.path), before, "the repository is untouched; " + context)
                try repo.git("fsck", "--strict", "--no-dangling")
            }
        }
    }

    /// The first control character in `text` a terminal would act on (ESC, CR, other C0 but
    /// tab and newline, C1, and with `bidi` the bidi controls), as a description; nil when
    /// there is none. `allowSGR` lets agentreplay's own colours through (`ESC [ digits m`).
    static func control(in text: String, allowSGR: Bool = false, bidi: Bool = true) -> String? {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let v = scalars[i].value
            if v == 0x1B, allowSGR, i + 1 < scalars.count, scalars[i + 1] == "[" {
                var j = i + 2
                while j < scalars.count, ("0"..."9").contains(scalars[j]) { j += 1 }
                if j < scalars.count, scalars[j] == "m",
                    ["0", "1", "2", "31", "32", "33"].contains(String(String.UnicodeScalarView(scalars[(i + 2)..<j])))
                {
                    i = j + 1
                    continue
                }
            }
            switch v {
            case 0x09, 0x0A: break
            case 0x00...0x1F, 0x7F, 0x80...0x9F: return String(format: "U+%04X at scalar %d", v, i)
            case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: if bidi { return String(format: "U+%04X at scalar %d", v, i) }
            default: break
            }
            i += 1
        }
        return nil
    }

    /// A path that is a file, a directory, a file again, … as bisect's worktree goes from
    /// state to state in both directions (only the paths that differ are written).
    func testBisectAcrossAFileTurnedIntoADirectoryAndBack() throws {
        let folder = try makeTemporaryDirectory(self, "flip")
        var text = #"{"agentreplay":"trace","version":1,"trace_id":"f11b0000000000000000000000000000","agent":{"name":"hostile"}}"# + "\n"
        for i in 1...8 {
            let effects =
                i % 2 == 1
                ? #"[{"path":"README.md","op":"delete"},{"path":"README.md/inner.txt","op":"write","content":"in \#(i)\n"}]"#
                : #"[{"path":"README.md/inner.txt","op":"delete"},{"path":"README.md","op":"write","content":"file \#(i)\n\#(i >= 6 ? "BUG\\n" : "")"}]"#
            text +=
                #"{"span_id":"\#(String(format: "%016x", i))","kind":"tool","name":"save","status":"ok","attributes":{"gen_ai.tool.call.id":"c\#(i)","gen_ai.tool.name":"save"},"effects":\#(effects)}"#
                + "\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/flip.ndjson"))
        let repo = try TestRepo(self, files: ["README.md": "readme\n"])
        let run = try CLI.run(["run", folder + "/flip.ndjson", "--repo", repo.path], in: folder)
        XCTAssertEqual(run.status, 0, "\(run)")
        XCTAssertTrue(run.stdoutText.contains("8 edits applied"), run.stdoutText)
        XCTAssertEqual(try repo.git("show", "refs/agentreplay/last~1:README.md/inner.txt"), "in 7\n")
        XCTAssertEqual(try repo.git("show", "refs/agentreplay/last:README.md"), "file 8\nBUG\n")
        let cache = try makeTemporaryDirectory(self, "cache")
        let bisect = try CLI.run(
            ["bisect", "--repo", repo.path, "--test", "! grep -rq BUG README.md"], in: folder,
            environment: ["XDG_CACHE_HOME": cache])
        XCTAssertEqual(bisect.status, 0, "\(bisect)")
        XCTAssertTrue(bisect.stdoutText.contains("The first failing state is after step 6 of 8"), bisect.stdoutText)
    }

    /// A NUL (and ESC, a newline) in a tool name and a call id: the commit message keeps
    /// them escaped, so its trailers survive and bisect of the stored run finds its culprit.
    func testControlCharactersInToolNamesKeepTheTrailersAndBisectWorks() throws {
        let folder = try makeTemporaryDirectory(self, "nul")
        var text = #"{"agentreplay":"trace","version":1,"trace_id":"f11b0000000000000000000000000001","agent":{"name":"hostile"}}"# + "\n"
        for i in 1...4 {
            let content = "v\(i)\\n" + (i >= 3 ? "BUG\\n" : "")
            text +=
                #"{"span_id":"\#(String(format: "%016x", i))","kind":"tool","name":"save","status":"ok","attributes":{"gen_ai.tool.call.id":"c\#(i)\u0000\u001b[2J","gen_ai.tool.name":"sa\u0000ve\nAgentreplay-Span: forged"},"effects":[{"path":"README.md","op":"write","content":"\#(content)"}]}"#
                + "\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/nul.ndjson"))
        let repo = try TestRepo(self, files: ["README.md": "readme\n"])
        let run = try CLI.run(["run", folder + "/nul.ndjson", "--repo", repo.path], in: folder)
        XCTAssertEqual(run.status, 0, "\(run)")
        let message = try repo.git("log", "-1", "--format=%B", "refs/agentreplay/last")
        XCTAssertEqual(
            message,
            "sa\\x00ve\\nAgentreplay-Span: forged README.md\n\nAgentreplay-Span: 0000000000000004\n"
                + "Agentreplay-Tool-Call: c4\\x00\\x1b[2J\nAgentreplay-Trace: f11b0000000000000000000000000001\n\n")
        let cache = try makeTemporaryDirectory(self, "cache")
        let bisect = try CLI.run(
            ["bisect", "--repo", repo.path, "--test", "! grep -q BUG README.md"], in: folder,
            environment: ["XDG_CACHE_HOME": cache])
        XCTAssertEqual(bisect.status, 0, "\(bisect)")
        XCTAssertTrue(bisect.stdoutText.contains("The first failing state is after step 3 of 4"), bisect.stdoutText)
    }

    /// A `.git/agentreplay` planted as a symlink to elsewhere is not followed: `run` stops
    /// with a message, nothing is written where it points.
    func testASymlinkedLockFolderIsRefused() throws {
        let repo = try TestRepo(self, files: ["README.md": "readme\n"])
        let elsewhere = try makeTemporaryDirectory(self, "elsewhere")
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/.git/agentreplay", withDestinationPath: elsewhere)
        let run = try CLI.run(["run", Self.folder + "/cases/native/case-only-paths.ndjson", "--repo", repo.path], in: Self.folder)
        XCTAssertEqual(run.status, 2, "\(run)")
        XCTAssertTrue(run.stderrText.contains("agentreplay does not follow it"), run.stderrText)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere), [])
    }

    // MARK: - Large cases, generated

    /// A native trace: the header, then `count` spans made by `span(i)`, written in chunks.
    func writeTrace(_ path: String, count: Int, span: (Int) -> String) throws {
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        var chunk = #"{"agentreplay":"trace","version":1,"trace_id":"0af7651916cd43dd8448eb211c80319c","agent":{"name":"hostile"}}"# + "\n"
        for i in 0..<count {
            chunk += span(i)
            if chunk.utf8.count > 1 << 20 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        handle.write(Data(chunk.utf8))
    }

    func testAMillionSpansWithNoEdits() throws {
        try TestGate.slow("writes and replays a million spans")
        let folder = try makeTemporaryDirectory(self, "million")
        let trace = folder + "/million.ndjson"
        try writeTrace(trace, count: 1_000_000) { i in
            i % 2 == 0
                ? #"{"span_id":"\#(String(format: "%016x", i + 1))","kind":"llm","name":"chat m","status":"ok","output":{"text":"thinking"}}"# + "\n"
                : #"{"span_id":"\#(String(format: "%016x", i + 1))","kind":"event","name":"note","status":"ok"}"# + "\n"
        }
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let child = try Child(
            CLI.executable, ["run", trace, "--repo", repo.path, "--no-refs"], in: folder,
            environment: CLI.environment(), outputs: folder + "/out")
        let r = child.wait()
        XCTAssertEqual(r.end, .exited(0), r.stderr)
        XCTAssertTrue(r.stdout.contains("1000000 spans, 0 tool calls: 0 edits applied"), r.stdout)
        XCTAssertTrue(r.stdout.contains("in memory only"), r.stdout)
        // The run keeps one step per span (a few hundred bytes each: 450 MiB measured in a
        // debug build), not the spans themselves.
        if !Self.underSanitizer { XCTAssertLessThan(r.maxRSS, 768 << 20, "peak RSS \(r.maxRSS >> 20) MiB") }
    }

    /// Run by `scripts/sanitize`: the peak memory then holds the sanitizer's shadow memory,
    /// red zones and quarantine (ASan: about 250 MiB more), so the bounds are not checked.
    static let underSanitizer = ProcessInfo.processInfo.environment["AGENTREPLAY_SANITIZER"] != nil

    /// Spans of 1 MiB each, streamed: the peak memory stays well under the file's size and
    /// does not grow with it, replayed with `--no-refs` and with the trace stored under
    /// refs/agentreplay/traces/ (half the size: storing reads and writes the trace again).
    func testALargeTraceIsStreamedInFlatMemory() throws {
        try TestGate.slow("writes and replays traces of 256 and 128 MiB")
        let bytes = Int(ProcessInfo.processInfo.environment["AGENTREPLAY_HOSTILE_BYTES"] ?? "") ?? 256 << 20
        for (size, refs) in [(bytes, false), (bytes / 2, true)] {
            try largeTrace(bytes: size, storingIt: refs)
        }
    }

    func largeTrace(bytes: Int, storingIt refs: Bool) throws {
        let folder = try makeTemporaryDirectory(self, "large")
        let trace = folder + "/large.ndjson"
        let payload = String(repeating: "0123456789abcdef", count: 1 << 16)  // 1 MiB
        let count = max(1, bytes / (payload.utf8.count + 100))
        try writeTrace(trace, count: count) { i in
            #"{"span_id":"\#(String(format: "%016x", i + 1))","kind":"event","name":"output","status":"ok","output":"\#(payload)"}"# + "\n"
        }
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: trace)[.size] as? Int)
        XCTAssertGreaterThanOrEqual(size, bytes * 9 / 10)
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let child = try Child(
            CLI.executable, ["run", trace, "--repo", repo.path] + (refs ? [] : ["--no-refs"]), in: folder,
            environment: CLI.environment(), outputs: folder + "/out")
        let r = child.wait()
        XCTAssertEqual(r.end, .exited(0), r.stderr)
        XCTAssertTrue(r.stdout.contains("\(count) spans"), r.stdout)
        if !Self.underSanitizer {
            XCTAssertLessThan(r.maxRSS, 64 << 20, "peak RSS \(r.maxRSS >> 20) MiB for a \(size >> 20) MiB trace (refs: \(refs))")
        }
        if refs {
            // The stored trace is the whole trace, in the native format.
            let stored = try repo.git("cat-file", "-s", "refs/agentreplay/traces/0af7651916cd43dd8448eb211c80319c:trace.ndjson")
            let storedSize = try XCTUnwrap(Int(stored.trimmingCharacters(in: .whitespacesAndNewlines)))
            XCTAssertTrue((size...size + 200).contains(storedSize), "\(storedSize) bytes stored of \(size)")
            try repo.git("fsck", "--strict", "--no-dangling")
        }
        try? FileManager.default.removeItem(atPath: trace)
    }
}

/// What a user sees of a repository, except refs under refs/agentreplay/: the working tree
/// (every file, with its mode and a hash of its bytes), the index, HEAD, every other ref, the
/// config.
enum RepositoryState {
    static func of(_ path: String) throws -> [String: String] {
        var state: [String: String] = [:]
        let git = GitCLI(directory: path)
        state["status"] = try git("status", "--porcelain=v2", "--branch", "--untracked-files=all", "--ignored")
        state["HEAD"] = try String(contentsOfFile: path + "/.git/HEAD", encoding: .utf8)
        state["refs"] = try git("for-each-ref", "--format=%(refname) %(objectname)")
            .split(separator: "\n").filter { !$0.hasPrefix("refs/agentreplay/") }.joined(separator: "\n")
        state["config"] = try String(contentsOfFile: path + "/.git/config", encoding: .utf8)
        state["index"] = try Subprocess.run("/usr/bin/env", ["sha256sum", ".git/index"], in: path).stdoutText
        // Every file of the working tree, .git excluded: type, mode and content hash.
        let listing = try Subprocess.run(
            "/usr/bin/env",
            ["find", ".", "-path", "./.git", "-prune", "-o", "-printf", "%p %y %m %s %l\\n"], in: path
        ).stdoutText
        state["files"] = listing.split(separator: "\n").sorted().joined(separator: "\n")
        state["hashes"] = try Subprocess.run(
            "/bin/sh", ["-c", "find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0r sha256sum"], in: path
        ).stdoutText
        return state
    }
}
