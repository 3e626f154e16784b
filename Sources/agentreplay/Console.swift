import Foundation

/// Where a command's words go, decided once from `--color`, `NO_COLOR` and `--quiet`: the
/// report on standard output, notes and progress on standard error. Data asked for (a JSON
/// document, a trace) is written with `data`, which `--quiet` does not silence.
struct Console {
    let quiet: Bool
    /// Colours of standard output.
    let out: Palette
    /// Colours of standard error.
    let err: Palette

    init(color: ColorChoice, quiet: Bool) {
        self.quiet = quiet
        out = Palette.decide(color, fd: 1)
        err = Palette.decide(color, fd: 2)
    }

    /// The human report, on standard output, rendered (`TerminalText`); nothing with `--quiet`.
    func report(_ text: String) {
        guard !quiet else { return }
        Terminal.write(text)
    }

    /// Data the user asked for (a JSON document, a trace), on standard output as it is, even
    /// with `--quiet`.
    func data(_ text: String) {
        Terminal.writeData(text)
    }

    /// `agentreplay: note: <text>` on standard error, rendered; nothing with `--quiet`.
    func note(_ text: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data(TerminalText.render(err.paint("agentreplay: note:", .warning) + " " + text + "\n").utf8))
    }

    /// A progress line for `task`, drawn only when standard error is a terminal and not quiet.
    func progress(_ task: String) -> Progress {
        Progress(task: task, enabled: !quiet && isatty(2) == 1)
    }
}
