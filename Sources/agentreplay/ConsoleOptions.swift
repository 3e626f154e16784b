import ArgumentParser

/// How every command talks to a person: `--color auto|always|never` and `--quiet`. Adopt
/// it with `@OptionGroup var consoleOptions: ConsoleOptions`, then print through `consoleOptions.console`
/// (reports, notes, progress), so the choices are made once and the same way everywhere.
struct ConsoleOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "When to colour the output: auto (only on a terminal, and not when NO_COLOR is set), always, never.",
            valueName: "when"))
    var color: ColorChoice = .auto

    @Flag(
        name: [.customShort("q"), .long],
        help: ArgumentHelp(
            "Print no report, notes or progress: errors only, and the exit status. Output asked for (--json, -o) is still written."))
    var quiet = false

    /// Where this command's report, notes and progress go, coloured or not.
    var console: Console { Console(color: color, quiet: quiet) }
}

/// `--color`: when output gets ANSI colours.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Colour when the stream is a terminal, `NO_COLOR` is unset or empty and `TERM` is not `dumb`.
    case auto
    /// Colour even into a pipe or file, and in spite of `NO_COLOR` (an explicit flag wins over
    /// the environment, as https://no-color.org asks).
    case always
    /// Never colour.
    case never

    /// The choice written on a command line, for messages printed before (or without) a
    /// parsed command: `--color X` or `--color=X` before any `--`; the last one wins.
    static func scan(_ arguments: [String]) -> ColorChoice {
        var choice = ColorChoice.auto
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { break }
            if a == "--color", i + 1 < arguments.count {
                choice = ColorChoice(rawValue: arguments[i + 1]) ?? choice
                i += 1
            } else if a.hasPrefix("--color=") {
                choice = ColorChoice(rawValue: String(a.dropFirst("--color=".count))) ?? choice
            }
            i += 1
        }
        return choice
    }
}
