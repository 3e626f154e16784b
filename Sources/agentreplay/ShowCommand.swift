import ArgumentParser
import Insight
import Trace

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show what the agent did, turn by turn: files read and written, commands, failures, drift, tokens and cost.",
        discussion: """
            The session is replayed in memory onto the repository (nothing is written to it) \
            and grouped by model turn: each turn's tokens and cost, then the calls it asked \
            for: files read (lines shown to the agent), files written (lines added and \
            removed), commands run (exit status when the log records it), failed calls and \
            drift. Then every file touched, every hunk of the final diff with the turns that \
            wrote it and what they cost, and the spend by model, with the turns whose spend \
            left no trace in the final diff (edits later undone, calls that all failed).

            Cost is tokens times the model's price from the built-in table (docs/cost.md) or \
            --prices FILE; a model the table does not name has an unknown cost, never a guess.

            EXIT STATUS
              0  shown
              2  bad input: an unreadable trace or price table, a repository or base not found
            """)

    @Argument(help: TraceOptions.logHelp, completion: .file())
    var trace: String

    @OptionGroup var sessionOptions: SessionOptions

    @Flag(name: .long, help: "Print one versioned JSON document instead of the timeline.")
    var json = false

    @OptionGroup var traceOptions: TraceOptions

    @OptionGroup var consoleOptions: ConsoleOptions

    mutating func run() throws {
        let console = consoleOptions.console
        trace = try SessionArgument.path(trace, repo: sessionOptions.repo, console: console)
        let session = try sessionOptions.session(trace, traceOptions: traceOptions)
        if json {
            console.data(JSONWriter.pretty(ShowDocument.json(session)) + "\n")
        } else {
            console.report(ShowReport.text(session, traceName: trace, palette: console.out))
        }
    }
}
