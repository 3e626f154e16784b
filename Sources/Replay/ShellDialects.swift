import Foundation
import Trace

/// How each agent records a shell call: the command line, where it ran and how it ended.
extension ShellReplay {
    /// Claude Code's `Bash`: `command`; `is_error` for a non-zero exit, a timeout or a refusal;
    /// `run_in_background`; `toolUseResult.interrupted`.
    func claudeCode(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let command = span.input?["command"]?.stringValue else {
            return Outcome(verdict: .served, note: "the call has no command", unseenEffects: true)
        }
        let status: Status
        switch span.status {
        case .unset:
            status = .unknown("the log has no result for this call")
        case .error:
            let message = ReplayContext.recordedError(span)
            status = Self.neverRan(message) ? .neverRan(message) : .failed(message)
        case .ok:
            if span.input?["run_in_background"]?.boolValue == true {
                status = .unknown("run in the background")
            } else if span.details?["interrupted"]?.boolValue == true {
                status = .unknown("interrupted")
            } else {
                status = .succeeded
            }
        }
        return try replay(command, status: status, span: span, context: context)
    }

    /// Codex's shell tools: `exec_command`'s `cmd` and `workdir`, `shell`'s `command` (an
    /// argument vector, `["bash", "-lc", script]`), `local_shell`'s `action`. The importer
    /// reads the exit status (`Process exited with code N`, `exit_code`); a call whose output
    /// says the process is still running has no status yet.
    func codex(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        let input = span.input ?? .null
        let command: String?
        if let argv = (input["command"] ?? input["action"]?["command"])?.arrayValue {
            let words = argv.compactMap(\.stringValue)
            command = words.count == argv.count ? Self.script(argv: words) : nil
        } else {
            command = input["cmd"]?.stringValue ?? input["command"]?.stringValue
        }
        guard let command else { return Outcome(verdict: .served, unseenEffects: true) }
        let workdir = input["workdir"]?.stringValue ?? input["working_directory"]?.stringValue
            ?? input["action"]?["working_directory"]?.stringValue
        let status: Status
        switch span.status {
        case .unset:
            status = .unknown("the log has no result for this call")
        case .error:
            status = .failed(CodexDialect().recordedError(span))
        case .ok:
            if let text = span.output?.stringValue, text.contains("Process running with session ID") {
                status = .unknown("still running when its output was recorded")
            } else {
                status = .succeeded
            }
        }
        return try replay(command, workingDirectory: workdir, status: status, span: span, context: context)
    }

    /// SWE-agent's `bash`: the trajectory keeps no exit status, and the shell session (its
    /// working directory) persists from one action to the next.
    func sweAgent(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let command = span.input?["command"]?.stringValue else {
            return Outcome(verdict: .served, unseenEffects: true)
        }
        let status: Status = span.status == .unset ? .unknown("the log has no result for this call") : .unrecorded
        return try replay(command, status: status, span: span, context: context)
    }

    /// The script an argument vector runs: `bash -lc SCRIPT` is SCRIPT, anything else the words
    /// quoted.
    static func script(argv: [String]) -> String {
        if argv.count == 3, ["bash", "sh", "zsh"].contains(argv[0].split(separator: "/").last.map(String.init) ?? ""),
           argv[1] == "-c" || argv[1] == "-lc" {
            return argv[2]
        }
        return argv.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    }

    /// A recorded error that shows the command never ran: the person refused it, a permission
    /// rule or Claude Code's directory guard blocked it.
    static func neverRan(_ message: String?) -> Bool {
        guard let m = message else { return false }
        return ["doesn't want to proceed", "was rejected", "was blocked. For security", "has been denied", "Permission to use"]
            .contains { m.contains($0) }
    }
}
