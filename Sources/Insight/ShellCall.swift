import Trace

/// A shell command a tool call ran, and how it ended as the log recorded it.
public struct ShellCall: Sendable, Equatable {
    /// How a command ended, as far as the log says.
    public enum Ending: Sendable, Equatable {
        /// The log records the exit status.
        case exited(Int64)
        /// The log records success without a number (Claude Code marks non-zero exits as
        /// errors, so a call that is not one exited 0).
        case succeeded
        /// The log records failure without a number (a timeout, a refusal, a non-zero exit it
        /// did not count).
        case failed
        /// The log keeps no outcome (SWE-agent, a call the session ended before).
        case unknown
    }

    public var command: String
    public var ending: Ending

    public init(command: String, ending: Ending) {
        self.command = command
        self.ending = ending
    }

    /// The tools that run shell commands, in every dialect replay reads.
    static let tools: Set<String> = [
        "Bash", "bash", "shell", "exec_command", "local_shell", "container.exec", "run", "execute_bash",
        "run_shell_command",
    ]

    /// The shell call `span` made, or nil when it is not one.
    public init?(_ span: Span) {
        guard span.kind == .tool, let tool = span.toolName, Self.tools.contains(tool) else { return nil }
        let input = span.input ?? .null
        if let argv = (input["command"] ?? input["action"]?["command"])?.arrayValue {
            let words = argv.compactMap(\.stringValue)
            // `["bash", "-lc", script]` is the script.
            if words.count == 3, ["bash", "sh", "zsh"].contains(words[0]), words[1].hasPrefix("-"), words[1].hasSuffix("c") {
                command = words[2]
            } else {
                command = words.joined(separator: " ")
            }
        } else {
            command = input["command"]?.stringValue ?? input["cmd"]?.stringValue ?? ""
        }
        ending = Self.ending(span)
    }

    static func ending(_ span: Span) -> Ending {
        if let code = span.details?["exit_code"]?.intValue ?? span.details?["metadata"]?["exit_code"]?.intValue, code >= 0 {
            return .exited(code)
        }
        let text = span.output.flatMap { $0.stringValue ?? $0["output"]?.stringValue } ?? ""
        for marker in ["Process exited with code ", "Exit Code: ", "Exit code ", "exit code "] {
            if let code = number(after: marker, in: text) { return .exited(code) }
        }
        switch span.status {
        case .ok: return .succeeded
        case .error: return .failed
        case .unset: return .unknown
        }
    }

    /// The whole number right after the first `marker` in `text`.
    static func number(after marker: String, in text: String) -> Int64? {
        guard let range = text.range(of: marker) else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isASCII && ($0.isNumber || $0 == "-") }
        return Int64(digits)
    }
}
