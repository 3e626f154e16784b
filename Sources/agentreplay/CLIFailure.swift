import Bisect
import Foundation
import Git
import Replay
import Trace

/// An error the CLI reports as it is, with a hint at the fix, and exits with `status` for
/// (2 unless it says otherwise).
struct CLIFailure: Error {
    var message: String
    /// What to do about it, printed after the message as `hint: …`.
    var hint: String?
    var status: Int32

    init(message: String, hint: String? = nil, status: Int32 = 2) {
        self.message = message
        self.hint = hint
        self.status = status
    }

    /// The message for errors the library throws, or nil for argument errors.
    static func describe(_ error: Error) -> String? {
        switch error {
        case let e as TraceError: return e.description
        case let e as GitError: return "git: \(e.message)"
        case let e as ReplayError: return e.description
        case let e as BisectError: return e.description
        case let e as CLIFailure: return e.message
        default: return nil
        }
    }

    /// The hint printed under an error's message: the failure's own, else one for the kind of
    /// error (`Hint`).
    static func hint(for error: Error) -> String? {
        if let failure = error as? CLIFailure, let hint = failure.hint { return hint }
        return Hint.forError(error)
    }
}

/// Standard output and standard error, for what does not go through a `Console` (the
/// messages of `main.swift`, data asked for).
enum Terminal {
    /// `agentreplay: error: <message>`, and `hint: <hint>` under it when there is one, on
    /// standard error; the prefixes coloured as `palette` says, the whole rendered
    /// (`TerminalText`: a log's name or words in the message cannot drive the terminal).
    static func error(_ message: String, hint: String? = nil, palette: Palette = .plain) {
        var text = palette.paint("agentreplay: error:", .bad) + " " + message + "\n"
        if let hint { text += palette.paint("hint:", .dim) + " " + hint + "\n" }
        FileHandle.standardError.write(Data(TerminalText.render(text).utf8))
    }

    /// Text for people on standard output, rendered (`TerminalText`).
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(TerminalText.render(text).utf8))
    }

    /// Data on standard output, byte for byte (JSON, a trace, a manual page).
    static func writeData(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func writeBytes(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }
}
