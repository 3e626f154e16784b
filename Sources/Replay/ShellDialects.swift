import Foundation
import Trace

/// Each agent's shell call, read in one form whatever the agent: what it ran, where, and how
/// it ended are the canonical attributes that the importers and the native reader write
/// (`ShellCalls`, `ShellEnding`: each agent's own rules for a refusal, a timeout, a
/// cancellation, an exit status live there). What stays per agent here is what the shell
/// itself does: a persistent directory (SWE-agent, OpenHands), input to a running command.
extension ShellReplay {
    /// The command line a shell call ran and the directory it named (absolute, or relative to
    /// the span's directory), from the canonical attributes; nil when the log does not say what
    /// it ran.
    static func commandLine(_ span: Span) -> (command: String, directory: String?)? {
        guard let command = span.attributes[GenAI.processCommandLine]?.stringValue, !command.isEmpty else { return nil }
        let directory = span.attributes[GenAI.processWorkingDirectory]?.stringValue
        return (command, directory?.isEmpty == false ? directory : nil)
    }

    /// How a shell call ended, from the canonical attributes (`ShellEnding`).
    static func status(_ span: Span) -> Status {
        switch ShellEnding(attributes: span.attributes) {
        case .succeeded?: return .succeeded
        case .failed(let reason)?: return .failed(reason)
        case .neverRan(let reason)?: return .neverRan(reason)
        case .unknown(let reason)?: return .unknown(reason)
        case .unrecorded?: return .unrecorded
        case nil: return .unknown("the trace does not say how the call ended")
        }
    }

    /// A shell call that runs in a new shell each time (Claude Code, OpenCode, Gemini CLI).
    func newShell(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let (command, directory) = Self.commandLine(span) else {
            return Outcome(verdict: .served, note: "the call has no command", unseenEffects: true)
        }
        return try replay(command, workingDirectory: directory, status: Self.status(span), span: span, context: context)
    }

    /// Claude Code's `Bash`.
    func claudeCode(_ span: Span, _ context: ReplayContext) throws -> Outcome { try newShell(span, context) }

    /// OpenCode's `bash` (its `workdir` is where it ran; else the directory OpenCode ran in).
    func openCode(_ span: Span, _ context: ReplayContext) throws -> Outcome { try newShell(span, context) }

    /// Gemini CLI's `run_shell_command`: `command`, `directory` (or `dir_path`; relative to the
    /// project root).
    func gemini(_ span: Span, _ context: ReplayContext) throws -> Outcome { try newShell(span, context) }

    /// Codex's shell tools (`exec_command`, `shell`, `local_shell`). `status`, when given, is
    /// how the call ended as its caller worked it out (a call inside a code-mode script has no
    /// output of its own).
    func codex(_ span: Span, _ context: ReplayContext, status known: Status? = nil) throws -> Outcome {
        guard let (command, workdir) = Self.commandLine(span) else { return Outcome(verdict: .served, unseenEffects: true) }
        return try replay(command, workingDirectory: workdir, status: known ?? Self.status(span), span: span, context: context)
    }

    /// SWE-agent's `bash`: the trajectory keeps no exit status, and the shell session (its
    /// working directory) persists from one action to the next.
    func sweAgent(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let (command, directory) = Self.commandLine(span) else {
            return Outcome(verdict: .served, unseenEffects: true)
        }
        return try replay(command, workingDirectory: directory, status: Self.status(span), span: span, context: context)
    }

    /// OpenHands' `run` (`CmdRunAction`): `command`, and `cwd` when the action names one;
    /// `metadata.working_dir` is the shell's directory after the call (OpenHands keeps one
    /// shell session). `is_input` sends keys to a running process and is not a command.
    func openHands(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let (command, cwd) = Self.commandLine(span) else {
            return Outcome(verdict: .served, note: "the call has no command", unseenEffects: true)
        }
        if span.input?["is_input"]?.boolValue == true {
            return Outcome(verdict: .served, note: "input to a running command: its file effects are not replayed", unseenEffects: true)
        }
        let outcome = try replay(command, workingDirectory: cwd, status: Self.status(span), span: span, context: context)
        if let after = span.details?["metadata"]?["working_dir"]?.stringValue, !after.isEmpty { recorded(directory: after) }
        return outcome
    }
}
