import Analysis
import ArgumentParser
import Foundation
import Git
import Insight
import Replay
import Trace

struct WhyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why",
        abstract:
            "Show why a line of a file (or a span) is there: the call that wrote it, the model turn that asked, the prompt, what the agent had seen.",
        discussion: """
            The session is replayed in memory (nothing is written to the repository), as for \
            `blame`. For FILE:LINE, the span that last wrote the line; then the model turn that \
            asked for that call (its text and reasoning as the log recorded them), the user \
            prompt in force, and what the agent had seen in that context before the turn \
            decided: the reads, command outputs and failures since the prompt, each with its \
            span and log line. A change replay recovered from a shell call is named as that \
            call, with the step it was inferred from.

            SESSION is a log file, or a session name (`last`, `last~N`, an id prefix: \
            `agentreplay sessions`); it defaults to `last`. TARGET is FILE:LINE (FILE \
            repo-relative, or absolute under the trace's recorded root), #N (a span's place \
            in the trace, as `run` and `show` print it), or a span id, the start of one, or a \
            tool call id.

            Long texts are clipped on a terminal (the number of lines left out is shown); \
            --full prints them whole, and --json always has them whole.

            EXIT STATUS
              0  explained
              1  no span wrote the line: it comes from the base (the message names the commit)
              2  bad input: an unreadable trace, no such file after the run, a line out of \
            range, no such span
            """)

    @Argument(
        help: ArgumentHelp(
            "[SESSION] TARGET: the session log or name (default: last), then FILE:LINE, #N or a span id.",
            valueName: "session-or-target"))
    var arguments: [String] = []

    @OptionGroup var replayTarget: ReplayTargetOptions

    @Flag(name: .long, help: "Print every text whole (the turn's text and reasoning, the prompt, each output).")
    var full = false

    @Flag(name: .long, help: "Print one versioned JSON document (texts whole).")
    var json = false

    @OptionGroup var traceOptions: TraceOptions

    @OptionGroup var consoleOptions: ConsoleOptions

    func validate() throws {
        guard (1...2).contains(arguments.count) else {
            throw ValidationError("give TARGET (FILE:LINE, #N or a span id), after the session when it is not the last one")
        }
    }

    mutating func run() throws {
        let console = consoleOptions.console
        let session = arguments.count == 2 ? arguments[0] : "last"
        let given = arguments[arguments.count - 1]
        let trace = try SessionArgument.path(session, repo: replayTarget.repo, console: console)
        guard var target = Why.Target.parse(given) else {
            throw CLIFailure(message: "an empty TARGET", hint: "give FILE:LINE, #N or a span id")
        }
        let repository = try Repository.open(replayTarget.repo, objectsInMemory: true)
        let progress = console.progress("why")
        let (loaded, run) = try traceOptions.replay(trace, onto: repository, base: replayTarget.base, progress: progress)
        var final: ObjectID?
        if case let .line(file, number) = target {
            switch Blame.repoPath(file, recordedRoot: loaded.header.repoRoot) {
            case .success(let path): target = .line(path: path, number: number)
            case .failure(let refusal):
                let root = loaded.header.repoRoot.map { " (the trace's recorded root is \($0))" } ?? ""
                throw CLIFailure(
                    message: "\(file): not a file of the repository: \(refusal)\(root)",
                    hint: "name the file relative to the repository's top, e.g. src/main.c")
            }
            if case let .line(path, _) = target { final = try BlameCommand.finalBlob(path, of: run, in: repository) }
        }
        let why: Why
        do {
            why = try Why(target, trace: loaded, run: run, final: final, read: repository.blob)
        } catch {
            if case let .fromBase(path, number, text, base, seenAt) = error {
                if json {
                    console.data(JSONWriter.pretty(WhyDocument.fromBase(path: path, line: number, text: text, base: base, seenAt: seenAt)) + "\n")
                } else {
                    console.report(WhyDocument.fromBaseText(error.description, text: text))
                }
                ExitStatus.finish(1)
            }
            let hint: String
            switch error {
            case .noSuchSpan, .ambiguousSpan: hint = "`agentreplay run` lists the spans (#N); `agentreplay blame` names the span of each line"
            case .lineOutOfRange: hint = "`agentreplay blame SESSION FILE` shows every line after the run"
            default: hint = BlameCommand.listHint
            }
            throw CLIFailure(message: error.description, hint: hint)
        }
        if run.outcome == .contradicted {
            console.note("the run has drift or calls not replayable as recorded; the answer follows the files as replayed (see `agentreplay run`)")
        }
        if json {
            console.data(JSONWriter.pretty(WhyDocument.json(why)) + "\n")
        } else {
            console.report(WhyDocument.text(why, full: full, palette: console.out))
        }
        ExitStatus.finish(0)
    }
}
