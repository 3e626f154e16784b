import ArgumentParser
import Foundation
import Git
import Replay
import RunStore
import Trace

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Replay a session onto the repository as it was when the session started.",
        discussion: """
            The base is the trace's recorded base commit when it names one (and the repository \
            has it), else --base, else the newest commit at or before the session's start, on \
            the branch the log names (else HEAD's history), whose files agree with what the \
            session first saw of each file before changing it (at most 10,000 commits \
            examined); when none agrees, the newest commit on HEAD's first-parent line at or \
            before the session's start (HEAD itself when it is not later). Each span that changed files becomes one commit; the chain is stored at \
            refs/agentreplay/runs/<trace id> and refs/agentreplay/last (try `git log -p \
            refs/agentreplay/last`). Exit status: 0 verified (every call's effect accounted \
            for), 1 contradicted (drift, mismatch, calls not replayable), 2 bad input, 3 \
            unverified (shell calls may have changed files replay cannot see, and nothing \
            contradicts the replay).

            A progress bar is drawn on standard error while replaying, when it is a terminal \
            (not with --quiet).
            """)

    @Argument(help: TraceOptions.logHelp, completion: .file())
    var trace: String

    @OptionGroup var replayTarget: ReplayTargetOptions

    @Flag(name: .customLong("no-refs"), help: "Keep every object in memory: write nothing to the repository.")
    var noRefs = false

    @Flag(name: .long, help: "Print one versioned JSON document instead of the timeline.")
    var json = false

    @OptionGroup var traceOptions: TraceOptions

    @OptionGroup var consoleOptions: ConsoleOptions

    mutating func run() throws {
        let console = consoleOptions.console
        trace = try SessionArgument.path(trace, repo: replayTarget.repo, console: console)
        let source = try traceOptions.open(trace)
        // Objects stay in memory while replaying (fast, nothing half-written on disk); with
        // refs, they are written as one pack at the end, before the refs.
        let repository = try Repository.open(replayTarget.repo, objectsInMemory: true)
        let progress = console.progress("run")
        let run: Run
        do {
            let (traceOptions, trace, repo) = (self.traceOptions, self.trace, self.replayTarget.repo)
            run = try RunStore.replay(
                source, onto: repository, base: replayTarget.base, store: !noRefs,
                again: { try traceOptions.open(trace) },
                reopen: { try Repository.open(repo, objectsInMemory: true) },
                observer: progress.observer(console))
        } catch let unwritable as RunStore.Unwritable {
            throw CLIFailure(message: "\(replayTarget.repo): \(unwritable)", hint: "replay without writing anything with --no-refs")
        }
        if json {
            console.data(JSONWriter.pretty(RunDocument.json(run)) + "\n")
        } else {
            console.report(RunReport.text(run, traceName: trace, palette: console.out))
        }
        ExitStatus.finish(ExitStatus.of(run))
    }
}
