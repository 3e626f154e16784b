import Analysis
import ArgumentParser
import Git
import Importers
import Replay
import Trace

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two sessions of the same task span by span: where they parted, and how.",
        discussion: """
            Both sessions are replayed in memory onto the same repository (each onto its own \
            recorded base, or onto --base), their tool calls are aligned by a Myers diff over \
            (kind, tool, input with the recorded root taken out), and every difference is \
            classified: only-in-a, only-in-b, different-input, different-output, \
            different-effect. Nothing is written to the repository. Exit status: 0 identical, \
            1 different, 2 bad input.
            """)

    @Argument(help: "The first session (any format agentreplay reads).", completion: .file())
    var a: String

    @Argument(help: "The second session.", completion: .file())
    var b: String

    @Option(name: .long, help: ArgumentHelp("The repository both are replayed onto.", valueName: "dir"), completion: .directory)
    var repo: String = "."

    @Option(name: .long, help: ArgumentHelp("The commit both start from, when a trace names none (default: HEAD).", valueName: "rev"))
    var base: String?

    @Flag(name: .long, help: "Print one versioned JSON document instead of the report.")
    var json = false

    @OptionGroup var traceOptions: TraceOptions

    @OptionGroup var consoleOptions: ConsoleOptions

    mutating func run() throws {
        a = try SessionArgument.path(a, repo: repo, console: consoleOptions.console)
        b = try SessionArgument.path(b, repo: repo, console: consoleOptions.console)
        // The two sessions are replayed at once, each on its own thread with its own
        // repository handle (libgit2: one handle per thread) and in-memory objects; tree ids
        // compare across handles, being content hashes.
        let (options, repo, base, a, b) = (traceOptions, repo, base, a, b)
        func side(_ path: String) throws -> Side {
            let repository = try Repository.open(repo, objectsInMemory: true)
            let replayed = try options.replay(path, onto: repository, base: base)
            return Side(trace: replayed.trace, run: replayed.run, hunks: try EditHunks.attribute(replayed.run, repository: repository))
        }
        let second = Background { () throws(any Error) -> Side in try side(b) }
        let first = Result { try side(a) }
        second.wait()
        let left = try first.get(), right = try second.value()
        let diff = RunDiff.compare(a: (left.trace, left.run), b: (right.trace, right.run))
        let console = consoleOptions.console
        if json {
            console.data(JSONWriter.pretty(DiffDocument.json(diff, a: left.run, b: right.run, hunks: (left.hunks, right.hunks))) + "\n")
        } else {
            console.report(DiffReport.text(diff, names: (a, b), runs: (left.run, right.run), hunks: (left.hunks, right.hunks), palette: console.out))
        }
        ExitStatus.finish(diff.identical ? 0 : 1)
    }

    /// One session replayed, with its final diff's hunks mapped to spans.
    struct Side {
        var trace: Trace
        var run: Run
        var hunks: [EditHunk]
    }
}
