import Foundation

/// How a shell call ended, decided once by each agent's own rules where the canonical
/// shell-call attributes are made (`ShellCalls`), and written as `agentreplay.process.ending`
/// (with `agentreplay.process.ending_reason`) beside OpenTelemetry's `process.exit.code`, so
/// that replay and every other reader read that and never an agent's own wording.
///
/// Each agent's rules:
///
/// - Claude Code, agent-strace (`Bash`) and OpenCode (`bash`) mark a failed call as an error:
///   an error whose message is a refusal or a cancellation (the agent's own lists) never ran,
///   another failed; Claude Code's `run_in_background` and `interrupted` leave the ending
///   unknown; OpenCode's `metadata.exit` is the exit code (none when OpenCode killed the call:
///   a timeout, an abort).
/// - Codex: an error failed (the first line of its output after the `Output:` preamble); a
///   call whose output says the process is still running has no ending yet.
/// - SWE-agent keeps no exit status: `unrecorded`.
/// - OpenHands: the observation (`user_rejected`, `error`, "is NOT executed") and
///   `metadata.exit_code` (-1 is OpenHands' "no exit code": a timeout, or still running).
/// - Gemini CLI: the text the model was shown, `Exit Code: N`, `Signal: S`, `Error: E` lines,
///   and a cancellation (`agentreplay.gemini.status`).
///
/// A call whose span has no result at all (status unset) has an unknown ending, whatever the
/// agent.
public enum ShellEnding: Sendable, Equatable {
    /// Exit status 0.
    case succeeded
    /// A non-zero exit status, a signal, a timeout: it ran, perhaps in part.
    case failed(String?)
    /// Refused before it ran (the user said no, a permission rule, a guard).
    case neverRan(String?)
    /// Ran, but how it ended is not in the log (no result, still running, in the background).
    case unknown(String)
    /// The log keeps no exit status at all (SWE-agent).
    case unrecorded

    /// The ending the canonical attributes record, nil when they record none.
    public init?(attributes: Attributes) {
        let reason = attributes[GenAI.processEndingReason]?.stringValue
        switch attributes[GenAI.processEnding]?.stringValue {
        case "succeeded"?: self = .succeeded
        case "failed"?: self = .failed(reason)
        case "never_ran"?: self = .neverRan(reason)
        case "unknown"?: self = .unknown(reason ?? "")
        case "unrecorded"?: self = .unrecorded
        default: return nil
        }
    }

    /// The attribute value of `GenAI.processEnding` and the reason, when there is one.
    var recorded: (ending: String, reason: String?) {
        switch self {
        case .succeeded: return ("succeeded", nil)
        case .failed(let reason): return ("failed", reason)
        case .neverRan(let reason): return ("never_ran", reason)
        case .unknown(let reason): return ("unknown", reason)
        case .unrecorded: return ("unrecorded", nil)
        }
    }

    /// `attributes` with this ending and its reason (the reason removed when there is none).
    func write(into attributes: inout Attributes) {
        let (ending, reason) = recorded
        attributes[GenAI.processEnding] = .string(ending)
        attributes[GenAI.processEndingReason] = reason.map { JSON.string($0) }
    }

    /// How the shell call `span` of `agent` ended; nil for an agent whose shell calls have no
    /// rules here. The exit code is not decided here: `process.exit.code` is the number the
    /// log states (`ShellCalls.exitCode`).
    static func decide(_ span: Span, agent: Agent) -> ShellEnding? {
        let rule: ((Span) -> ShellEnding)? =
            switch agent {
            case .claudeCode, .agentStrace: claudeCode
            case .openCode: openCode
            case .codex: codex
            case .sweAgent: { _ in .unrecorded }
            case .openHands: openHands
            case .gemini: gemini
            default: nil
            }
        guard let rule else { return nil }
        if span.status == .unset { return .unknown("the log has no result for this call") }
        return rule(span)
    }

    /// A call of an agent whose log marks a failed call as an error: a refusal (`neverRan`
    /// says which messages are one) never ran, another error failed; a call that did not fail
    /// ended as `ended` says.
    static func markingErrors(_ span: Span, neverRan: (String) -> Bool, ended: () -> ShellEnding) -> ShellEnding {
        guard span.status == .error else { return ended() }
        let message = RecordedError.first(span)
        return message.map(neverRan) == true ? .neverRan(message) : .failed(message)
    }

    /// Claude Code's `Bash`: `is_error` for a non-zero exit, a timeout or a refusal;
    /// `run_in_background`; `toolUseResult.interrupted`.
    static func claudeCode(_ span: Span) -> ShellEnding {
        markingErrors(span, neverRan: { claudeCodeNeverRan($0) || claudeCodeRefused($0) }) {
            if span.input?["run_in_background"]?.boolValue == true { return .unknown("run in the background") }
            if span.details?["interrupted"]?.boolValue == true { return .unknown("interrupted") }
            return .succeeded
        }
    }

    /// Errors Claude Code records for a call of any tool that it never ran: cancelled because
    /// a parallel sibling call failed, its input refused by the tool's schema or by a guard,
    /// or declined by the person.
    package static func claudeCodeNeverRan(_ message: String) -> Bool {
        let markers = [
            "Sibling tool call errored", "Cancelled: parallel tool call",
            "InputValidationError",
            "Blocked: sleep",
            "doesn't want to proceed", "doesn't want to take this action",
        ]
        return markers.contains { message.contains($0) }
    }

    /// A recorded error that shows a Claude Code shell call never ran: the person refused it,
    /// a permission rule or Claude Code's directory guard blocked it.
    static func claudeCodeRefused(_ message: String) -> Bool {
        ["doesn't want to proceed", "was rejected", "was blocked. For security", "has been denied", "Permission to use"]
            .contains { message.contains($0) }
    }

    /// OpenCode's `bash`: `metadata.exit` (null when OpenCode killed it: a timeout, an abort);
    /// a call the user or a permission rule refused did not run.
    static func openCode(_ span: Span) -> ShellEnding {
        markingErrors(span, neverRan: openCodeRefused) {
            switch span.details?["exit"]?.intValue {
            case 0?: return .succeeded
            case let code?: return .failed("exit code \(code)")
            case nil: return .unknown("no exit code recorded (a timeout, or aborted)")
            }
        }
    }

    /// Errors that show an OpenCode tool never ran: a person or a permission rule refused it,
    /// or OpenCode's read-before-edit guard (`FileTime.assert`) stopped it.
    package static func openCodeRefused(_ message: String) -> Bool {
        ["rejected permission", "permission", "You must read file", "has been modified since it was last read"]
            .contains { message.contains($0) }
    }

    /// Codex's shell tools: an error failed (the importer reads the exit status, `Process
    /// exited with code N`, `exit_code`, into the span's status); a call whose output says the
    /// process is still running has no ending yet.
    static func codex(_ span: Span) -> ShellEnding {
        if span.status == .error { return .failed(RecordedError.codex(span)) }
        // A byte search (Foundation's `contains` goes through CFString on Linux: 8% of the
        // instructions of indexing a Codex rollout).
        if let text = span.output?.stringValue, text.firstUTF8Range(of: "Process running with session ID") != nil {
            return .unknown("still running when its output was recorded")
        }
        return .succeeded
    }

    /// OpenHands' `run`: the observation's kind and `metadata.exit_code` (0 succeeded, another
    /// code failed; -1, "no exit code", is a timeout or a command still running). A command
    /// OpenHands refused to start (the user rejected it, another one was still running,
    /// several at once) did not run.
    static func openHands(_ span: Span) -> ShellEnding {
        let metadata = span.details?["metadata"]
        let text = (span.output?.stringValue ?? "") + "\n" + (metadata?["suffix"]?.stringValue ?? "")
        switch span.attributes["agentreplay.openhands.observation"]?.stringValue {
        case nil:
            return .unknown("the log has no result for this call")
        case "user_rejected"?:
            return .neverRan("rejected by the user" + (RecordedError.openHands(span).map { ": " + $0 } ?? ""))
        case "error"?:
            let message = RecordedError.openHands(span)
            return message.map { $0.contains("Cannot execute multiple commands at once") } == true ? .neverRan(message) : .failed(message)
        default:
            if text.contains("is NOT executed") { return .neverRan("not executed: the previous command was still running") }
            switch metadata?["exit_code"]?.intValue ?? span.details?["exit_code"]?.intValue {
            case 0?: return .succeeded
            case nil, .some(-1): return .unknown(text.contains("timed out") ? "timed out" : "no exit code recorded (a timeout, or still running)")
            case let code?: return .failed("exit code \(code)")
            }
        }
    }

    /// Gemini CLI's `run_shell_command`: how it ended is in the text the model was shown,
    /// `Exit Code: N`, `Signal: S`, `Error: E` (`(none)` when there is none), or "Command was
    /// cancelled by user before it could complete". A call cancelled before it ran says the
    /// user did not allow it.
    static func gemini(_ span: Span) -> ShellEnding {
        let (text, fields) = geminiFields(span)
        if text.contains("Command was cancelled by user before it could complete") { return .unknown("cancelled while it ran") }
        if span.attributes["agentreplay.gemini.status"]?.stringValue == "cancelled" {
            let refused = text.contains("did not allow") || text.isEmpty
            return refused ? .neverRan("cancelled: the call did not run") : .unknown("cancelled, perhaps while it ran")
        }
        if let code = fields["Exit Code"] { return code == "0" ? .succeeded : .failed("exit code \(code)") }
        if let signal = fields["Signal"] { return .failed("signal \(signal)") }
        if span.status == .error || fields["Error"] != nil { return .failed(fields["Error"] ?? RecordedError.first(span)) }
        return .unknown("no exit code recorded")
    }

    /// The text of a Gemini CLI shell call's result, and its first `Exit Code`, `Signal` and
    /// `Error` lines' values (a `(none)` value is none).
    static func geminiFields(_ span: Span) -> (text: String, fields: [String: String]) {
        let text = span.output.map { $0.stringValue ?? JSONWriter.string($0) } ?? ""
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            for key in ["Exit Code", "Signal", "Error"] where fields[key] == nil && line.hasPrefix(key + ": ") {
                let value = line.dropFirst(key.count + 2).trimmingCharacters(in: .whitespaces)
                if value != "(none)" { fields[key] = value }
            }
        }
        return (text, fields)
    }
}
