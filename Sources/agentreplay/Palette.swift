import Foundation

/// The colours of agentreplay's text, by what they mean, not by what they look like: a
/// report asks for `.bad` or `.good`, and a palette that is off returns the text as it is.
/// One palette per stream, decided once (`Palette.decide`).
struct Palette: Sendable {
    let enabled: Bool

    static let plain = Palette(enabled: false)

    enum Role: Sendable {
        /// `error:` prefixes, failures, drift, `bad` verdicts, lines only in A.
        case bad
        /// Success: applied edits, `good` verdicts, lines only in B.
        case good
        /// Notes, `skip`, differences that are neither (different input, output, effect).
        case warning
        /// Hints and what is there only for context (served spans, base lines).
        case dim
        /// Headings and the answer itself (the culprit).
        case strong
    }

    /// `text` wrapped in the role's SGR sequence and a reset, when enabled. The ESC of each
    /// is `TerminalText.escapeMark`, which `TerminalText.render` turns into ESC once the text
    /// (and whatever a log put in it) has been made inert.
    func paint(_ text: String, _ role: Role) -> String {
        guard enabled, !text.isEmpty else { return text }
        let esc = TerminalText.escapeMark
        return esc + "[" + Self.code(role) + "m" + text + esc + "[0m"
    }

    static func code(_ role: Role) -> String {
        switch role {
        case .bad: return "31"
        case .good: return "32"
        case .warning: return "33"
        case .dim: return "2"
        case .strong: return "1"
        }
    }

    /// Whether output to file descriptor `fd` is coloured: `always` and `never` say so;
    /// `auto` colours a terminal unless `NO_COLOR` is set to anything but the empty string
    /// (https://no-color.org) or `TERM` is `dumb`.
    static func decide(_ choice: ColorChoice, fd: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) -> Palette {
        switch choice {
        case .always: return Palette(enabled: true)
        case .never: return .plain
        case .auto:
            if let value = environment["NO_COLOR"], !value.isEmpty { return .plain }
            if environment["TERM"] == "dumb" { return .plain }
            return Palette(enabled: isatty(fd) == 1)
        }
    }
}
