import Foundation

/// A shell call in one form whatever the agent: the importers add the `process.*` attributes
/// (`GenAI.processCommandLine`, `processExitCode`, `processWorkingDirectory`) to every tool
/// span that runs a shell command, with how it ended by its agent's rules (`ShellEnding`,
/// `GenAI.processEnding`), so that what reads a shell call (replay, the `show` actions, the
/// audit) reads those and never an agent's own shapes.
///
/// Each agent's tool and where it keeps the command, its directory and its exit status (the
/// number `process.exit.code` is; how the call ended is `ShellEnding`'s, by each agent's rules):
///
/// | agent | tool | command | directory | exit code |
/// |---|---|---|---|---|
/// | Claude Code, agent-strace | `Bash` | `command` | | `Exit code N` in a failed call's output |
/// | Codex | `shell`, `local_shell`, `container.exec`, `exec_command`, `unified_exec` | `command` (argv: `bash -lc S` is `S`, other words quoted), `action.command`, `cmd` | `workdir`, `working_directory` | `exit_code` (`exec_command_end`), `Process exited with code N`, `Exit code: N` |
/// | SWE-agent, OpenCode | `bash` | `command` | | |
/// | OpenHands | `run`, `execute_bash` | `command` | `cwd` | `metadata.exit_code` |
/// | Gemini CLI | `run_shell_command` | `command` | `directory`, `dir_path` | `Exit Code: N` |
///
/// A span that already carries `agentreplay.process.ending` (a native trace written since) is
/// left as it is; older native traces get the attributes when they are read (`NativeUpgrade`, which
/// `TraceReader` applies to every span). It lives beside the reader for that reason: the
/// importers (`LogImporter.run`) and the reader of native traces make the same form.
public enum ShellCalls {
    /// The tools that run shell commands, in every agent's vocabulary.
    static let tools: Set<String> = [
        "Bash", "bash", "shell", "exec_command", "unified_exec", "local_shell", "container.exec", "run", "execute_bash",
        "run_shell_command",
    ]

    /// `span`, a span of `agent`'s log, with the canonical shell-call attributes added, when
    /// it is a shell call that lacks them. How it ended (`ShellEnding`) is added to a shell
    /// call that has a command line but no ending too, such as one written before the ending
    /// was recorded; its command line, directory and exit code are then left as they are.
    public static func canonical(_ span: Span, agent: Agent) -> Span {
        guard span.kind == .tool, span.attributes[GenAI.processEnding] == nil,
            let tool = span.toolName, tools.contains(tool)
        else { return span }
        var span = span
        if span.attributes[GenAI.processCommandLine] == nil {
            let input = span.input ?? .null
            guard let command = commandLine(input) else { return span }
            span.attributes[GenAI.processCommandLine] = .string(command)
            if let code = exitCode(span) { span.attributes[GenAI.processExitCode] = .number(code) }
            let directory =
                (input["workdir"] ?? input["working_directory"] ?? input["action"]?["working_directory"]
                ?? input["cwd"] ?? input["directory"] ?? input["dir_path"])?.stringValue
            if let directory, !directory.isEmpty { span.attributes[GenAI.processWorkingDirectory] = .string(directory) }
        }
        ShellEnding.decide(span, agent: agent)?.write(into: &span.attributes)
        return span
    }

    /// Every span of `trace` in its canonical form.
    package static func canonical(_ trace: inout Trace) {
        for i in trace.spans.indices where trace.spans[i].kind == .tool {
            trace.spans[i] = canonical(trace.spans[i], agent: trace.header.agent)
        }
    }

    /// The command as one string a shell reads back into the same words: an argument vector
    /// `["bash", "-lc", script]` (or `sh`, `zsh`, `-c`, by any path) is its script; another
    /// vector its words, each quoted when it holds more than letters, digits and
    /// `_@%+=:,./-`. Nil for a vector with other than strings in it, or no command at all
    /// (what it ran is unknown).
    package static func commandLine(_ input: JSON) -> String? {
        guard let argv = (input["command"] ?? input["action"]?["command"])?.arrayValue else {
            return input["command"]?.stringValue ?? input["cmd"]?.stringValue
        }
        let words = argv.compactMap(\.stringValue)
        guard words.count == argv.count else { return nil }
        if words.count == 3, ["bash", "sh", "zsh"].contains(words[0].split(separator: "/").last.map(String.init) ?? ""),
            words[1] == "-c" || words[1] == "-lc"
        {
            return words[2]
        }
        return words.map(quoted).joined(separator: " ")
    }

    /// `word` as a shell reads it back: bare when every byte is safe, else in single quotes.
    static func quoted(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-".utf8)
        if !word.isEmpty, word.utf8.allSatisfy(safe.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The exit code the log records: a structured `exit_code` (Codex's `exec_command_end`,
    /// OpenHands' `metadata`), else the number the output text states (Codex's `Process
    /// exited with code N` and `Exit code: N`, Gemini CLI's `Exit Code: N`, Claude Code's
    /// `Exit code N`).
    static func exitCode(_ span: Span) -> Int64? {
        if let code = span.details?["exit_code"]?.intValue ?? span.details?["metadata"]?["exit_code"]?.intValue, code >= 0 {
            return code
        }
        let text = span.output.flatMap { $0.stringValue ?? $0["output"]?.stringValue } ?? ""
        for marker in ["Process exited with code ", "Exit code: ", "Exit Code: ", "Exit code ", "exit code "] {
            if let code = number(after: marker, in: text) { return code }
        }
        return nil
    }

    /// The whole number right after the first `marker` in `text` (a byte search: Foundation's
    /// `range(of:)` goes through CFString on Linux, a tenth of a Codex log's indexing).
    static func number(after marker: String, in text: String) -> Int64? {
        guard let range = text.firstUTF8Range(of: marker) else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isASCII && ($0.isNumber || $0 == "-") }
        return Int64(digits)
    }
}
