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

    @Argument(help: "The first session (any format agentreplay reads).")
    var a: String

    @Argument(help: "The second session.")
    var b: String

    @Option(name: .long, help: ArgumentHelp("The repository both are replayed onto.", valueName: "dir"))
    var repo: String = "."

    @Option(name: .long, help: ArgumentHelp("The commit both start from, when a trace names none (default: HEAD).", valueName: "rev"))
    var base: String?

    @Flag(name: .long, help: "Print one versioned JSON document instead of the report.")
    var json = false

    @OptionGroup var traceOptions: TraceOptions

    func run() throws {
        let repository = try Repository.open(repo, objectsInMemory: true)
        let left = try traceOptions.replay(a, onto: repository, base: base)
        let right = try traceOptions.replay(b, onto: repository, base: base)
        let diff = RunDiff.compare(a: left, b: right)
        let hunks = try EditHunks.attribute(left.run, repository: repository)
        let hunksB = try EditHunks.attribute(right.run, repository: repository)
        if json {
            Terminal.write(JSONWriter.pretty(DiffDocument.json(diff, a: left.run, b: right.run, hunks: (hunks, hunksB))) + "\n")
        } else {
            Terminal.write(DiffReport.text(diff, names: (a, b), runs: (left.run, right.run), hunks: (hunks, hunksB)))
        }
        if !diff.identical { throw ExitCode(1) }
    }
}
