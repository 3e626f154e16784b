import Foundation
import XCTest

/// Shell completions come from the argument parser (`--generate-completion-script`): each
/// script is generated, and the bash one is loaded into a real bash and asked to complete.
final class CompletionTests: XCTestCase {
    func testEveryShellGetsAScript() throws {
        for shell in ["bash", "zsh", "fish"] {
            let r = try CLI.run(["--generate-completion-script", shell], in: packageRoot)
            XCTAssertEqual(r.status, 0, "\(shell): \(r)")
            XCTAssertEqual(r.stderrText, "")
            for word in ["export", "bisect", "color", "quiet", "timeout-verdict"] {
                XCTAssertTrue(r.stdoutText.contains(word), "\(shell) completion lacks \(word)")
            }
            XCTAssertFalse(r.stdoutText.contains("manual"), "\(shell): the hidden command is not offered")
        }
        let bad = try CLI.run(["--generate-completion-script", "tcsh"], in: packageRoot)
        XCTAssertEqual(bad.status, 2)
    }

    /// What bash offers after `agentreplay <words>` with the generated script loaded.
    func complete(_ words: [String], script: String, folder: String) throws -> [String] {
        let path = folder + "/agentreplay.bash"
        try Data(script.utf8).write(to: URL(fileURLWithPath: path))
        let quoted = (["agentreplay"] + words).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let driver = """
            source '\(path)'
            COMP_WORDS=(\(quoted)); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
            _agentreplay agentreplay "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let r = try Subprocess.run(
            "/bin/bash", ["--norc", "--noprofile", "-c", driver], in: folder,
            environment: ["PATH": (CLI.executable as NSString).deletingLastPathComponent + ":/usr/bin:/bin"])
        XCTAssertEqual(r.status, 0, r.stderrText)
        return r.stdoutText.split(separator: "\n").map(String.init).sorted()
    }

    func testBashCompletesCommandsOptionsAndValues() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { throw XCTSkip("no bash here") }
        let script = try CLI.run(["--generate-completion-script", "bash"], in: packageRoot).stdoutText
        let folder = try makeTemporaryDirectory(self, "completion")
        XCTAssertEqual(try complete(["ex"], script: script, folder: folder), ["export"])
        XCTAssertEqual(try complete(["run", "--co"], script: script, folder: folder), ["--color"])
        XCTAssertEqual(try complete(["run", "--color", ""], script: script, folder: folder), ["always", "auto", "never"])
        XCTAssertEqual(try complete(["export", "--from", "c"], script: script, folder: folder), ["claude-code", "codex"])
        XCTAssertTrue(try complete(["bisect", "--"], script: script, folder: folder).contains("--timeout-verdict"))
    }
}
