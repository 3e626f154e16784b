import Foundation
import Trace

/// How each agent records the end of a shell call. What it ran and where is read in one form
/// whatever the agent: the `process.*` attributes that the importers and the native reader
/// write (`ShellCalls`); how it ended (a refusal, a timeout, a cancellation, an exit status the
/// agent words its own way) is each agent's own, and read here.
extension ShellReplay {
    /// The command line a shell call ran and the directory it named (absolute, or relative to
    /// the span's directory), from the canonical attributes; nil when the log does not say what
    /// it ran.
    static func commandLine(_ span: Span) -> (command: String, directory: String?)? {
        guard let command = span.attributes[GenAI.processCommandLine]?.stringValue, !command.isEmpty else { return nil }
        let directory = span.attributes[GenAI.processWorkingDirectory]?.stringValue
        return (command, directory?.isEmpty == false ? directory : nil)
    }

    /// A shell call of an agent whose log marks a failed call as an error (Claude Code,
    /// OpenCode): no result is an unknown ending; an error is a refusal before it ran when
    /// `neverRan` says its message is one, else a failure; a call that did not fail ended as
    /// `ended` says.
    func replayMarkingErrors(
        _ span: Span, _ context: ReplayContext, neverRan: (String) -> Bool, ended: () -> Status
    ) throws -> Outcome {
        guard let (command, directory) = Self.commandLine(span) else {
            return Outcome(verdict: .served, note: "the call has no command", unseenEffects: true)
        }
        let status: Status
        switch span.status {
        case .unset:
            status = .unknown("the log has no result for this call")
        case .error:
            let message = ReplayContext.recordedError(span)
            status = message.map(neverRan) == true ? .neverRan(message) : .failed(message)
        case .ok:
            status = ended()
        }
        return try replay(command, workingDirectory: directory, status: status, span: span, context: context)
    }

    /// Claude Code's `Bash`: `is_error` for a non-zero exit, a timeout or a refusal;
    /// `run_in_background`; `toolUseResult.interrupted`.
    func claudeCode(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        try replayMarkingErrors(span, context, neverRan: { Self.neverRan($0) }) {
            if span.input?["run_in_background"]?.boolValue == true { return .unknown("run in the background") }
            if span.details?["interrupted"]?.boolValue == true { return .unknown("interrupted") }
            return .succeeded
        }
    }

    /// Codex's shell tools (`exec_command`, `shell`, `local_shell`): the importer reads the
    /// exit status (`Process exited with code N`, `exit_code`); a call whose output says the
    /// process is still running has no status yet. `status`, when given, is how the call ended
    /// as its caller worked it out (a call inside a code-mode script has no output of its own).
    func codex(_ span: Span, _ context: ReplayContext, status known: Status? = nil) throws -> Outcome {
        guard let (command, workdir) = Self.commandLine(span) else { return Outcome(verdict: .served, unseenEffects: true) }
        let status: Status
        switch (known, span.status) {
        case (let known?, _):
            status = known
        case (nil, .unset):
            status = .unknown("the log has no result for this call")
        case (nil, .error):
            status = .failed(CodexDialect().recordedError(span))
        case (nil, .ok):
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
        guard let (command, directory) = Self.commandLine(span) else {
            return Outcome(verdict: .served, unseenEffects: true)
        }
        let status: Status = span.status == .unset ? .unknown("the log has no result for this call") : .unrecorded
        return try replay(command, workingDirectory: directory, status: status, span: span, context: context)
    }

    /// OpenHands' `run` (`CmdRunAction`): `command`, and `cwd` when the action names one. The
    /// observation's `metadata.exit_code` (0 succeeded, another code failed; -1, OpenHands'
    /// "no exit code", is a timeout or a command still running) and `metadata.working_dir`, the
    /// shell's directory after the call (OpenHands keeps one shell session). A command OpenHands
    /// refused to start (the user rejected it, another one was still running, several at once)
    /// did not run; `is_input` sends keys to a running process and is not a command.
    func openHands(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let (command, cwd) = Self.commandLine(span) else {
            return Outcome(verdict: .served, note: "the call has no command", unseenEffects: true)
        }
        if span.input?["is_input"]?.boolValue == true {
            return Outcome(verdict: .served, note: "input to a running command: its file effects are not replayed", unseenEffects: true)
        }
        let metadata = span.details?["metadata"]
        let observation = span.attributes["agentreplay.openhands.observation"]?.stringValue
        let text = (span.output?.stringValue ?? "") + "\n" + (metadata?["suffix"]?.stringValue ?? "")
        let status: Status
        if span.status == .unset || observation == nil {
            status = .unknown("the log has no result for this call")
        } else if observation == "user_rejected" {
            status = .neverRan("rejected by the user" + (OpenHandsDialect.recordedError(span).map { ": " + $0 } ?? ""))
        } else if observation == "error" {
            let message = OpenHandsDialect.recordedError(span)
            status = message.map { $0.contains("Cannot execute multiple commands at once") } == true ? .neverRan(message) : .failed(message)
        } else if text.contains("is NOT executed") {
            status = .neverRan("not executed: the previous command was still running")
        } else {
            switch metadata?["exit_code"]?.intValue ?? span.details?["exit_code"]?.intValue {
            case 0?: status = .succeeded
            case nil, .some(-1):
                status = .unknown(text.contains("timed out") ? "timed out" : "no exit code recorded (a timeout, or still running)")
            case let code?: status = .failed("exit code \(code)")
            }
        }
        let outcome = try replay(command, workingDirectory: cwd, status: status, span: span, context: context)
        if let after = metadata?["working_dir"]?.stringValue, !after.isEmpty { recorded(directory: after) }
        return outcome
    }

    /// Gemini CLI's `run_shell_command`: `command`, `directory` (or `dir_path`; relative to the
    /// project root). Each call runs in a new shell. How it ended is in the text the model was
    /// shown: `Exit Code: N`, `Signal: S`, `Error: E` (`(none)` when there is none), or "Command
    /// was cancelled by user before it could complete". A call cancelled before it ran says the
    /// user did not allow it.
    func gemini(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let (command, directory) = Self.commandLine(span) else {
            return Outcome(verdict: .served, note: "the call has no command", unseenEffects: true)
        }
        let text = span.output.map { $0.stringValue ?? JSONWriter.string($0) } ?? ""
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            for key in ["Exit Code", "Signal", "Error"] where fields[key] == nil && line.hasPrefix(key + ": ") {
                let value = line.dropFirst(key.count + 2).trimmingCharacters(in: .whitespaces)
                if value != "(none)" { fields[key] = value }
            }
        }
        let recorded = span.attributes["agentreplay.gemini.status"]?.stringValue
        let status: Status
        if span.status == .unset {
            status = .unknown("the log has no result for this call")
        } else if text.contains("Command was cancelled by user before it could complete") {
            status = .unknown("cancelled while it ran")
        } else if recorded == "cancelled" {
            status =
                text.contains("did not allow") || text.isEmpty
                ? .neverRan("cancelled: the call did not run") : .unknown("cancelled, perhaps while it ran")
        } else if let code = fields["Exit Code"] {
            status = code == "0" ? .succeeded : .failed("exit code \(code)")
        } else if let signal = fields["Signal"] {
            status = .failed("signal \(signal)")
        } else if span.status == .error || fields["Error"] != nil {
            status = .failed(fields["Error"] ?? ReplayContext.recordedError(span))
        } else {
            status = .unknown("no exit code recorded")
        }
        return try replay(command, workingDirectory: directory, status: status, span: span, context: context)
    }

    /// A recorded error that shows the command never ran: the person refused it, a permission
    /// rule or Claude Code's directory guard blocked it.
    static func neverRan(_ message: String?) -> Bool {
        guard let m = message else { return false }
        return ["doesn't want to proceed", "was rejected", "was blocked. For security", "has been denied", "Permission to use"]
            .contains { m.contains($0) }
    }
}
