import ArgumentParser
import Bisect
import Foundation
import Git
import Replay
import RunStore
import Trace

struct BisectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bisect",
        abstract: "Find the span whose edits broke a test, by running the test on the states of a run.",
        usage: """
            agentreplay bisect [TRACE] --test CMD [--repo DIR] [--base REV] [--timeout S] \
            [--timeout-verdict bad|skip] [--retries N] [--jobs N] [--minimal] [--json] [--log FILE]
              agentreplay bisect replay LOGFILE [--repo DIR] [--json]
            """,
        discussion: """
            With no TRACE, bisects the last run made in the repository (refs/agentreplay/last, \
            with the trace `agentreplay run` stored beside it), so `agentreplay run trace.ndjson \
            --repo .` then `agentreplay bisect --test "swift test"` works as written. With a \
            TRACE, replays it first, in memory.

            The states searched are the base and the state after each span that changed files \
            (the run's commit for that span). The end must fail and the base pass; then a \
            binary search (k-ary with --jobs) finds the first failing state. A verdict is kept \
            per tree, so states with the same files are tested once. The test runs as \
            /bin/sh -c CMD, in its own process group, in a private worktree under \
            $XDG_CACHE_HOME/agentreplay/worktrees (else ~/.cache/agentreplay/worktrees), updated between probes by \
            writing only the files that differ, so build caches survive. The repository's \
            working tree, index, HEAD and branches are never touched.

            The test's exit status follows git bisect run: 0 good, 125 skip, 1-127 bad (126 and \
            127 on both ends: the command cannot run), 128 and above abort. It sees \
            AGENTREPLAY_STEP (0 for the base), AGENTREPLAY_SPAN_ID, AGENTREPLAY_TOOL_CALL_ID and \
            AGENTREPLAY_COMMIT (with --minimal, AGENTREPLAY_STEPS). Its output goes to \
            <worktree folder>/<job>.output.

            EXIT STATUS
              0  found: the culprit span (with --minimal, a minimal failing set)
              1  not found: the base fails, the end passes, skips leave a range, the history is \
            not monotonic, or there is nothing to bisect
              2  trouble: bad input, the test command cannot run, a run exited 128 or above
              130, 143  interrupted (SIGINT, SIGTERM): the test's processes were killed
            """)

    // `bisect replay LOGFILE` is spelled as arguments, not as a subcommand: ArgumentParser
    // does not look for a subcommand after a command's own optional positional argument.
    @Argument(
        help: ArgumentHelp(
            "A session log to replay and bisect (default: the last run in the repository); or `replay LOGFILE`.",
            valueName: "trace"), completion: .file())
    var arguments: [String] = []

    var trace: String? { arguments.first }

    // Optional for the parser only (`bisect replay` needs none); `run()` insists on it.
    @Option(name: .long, help: ArgumentHelp("The test, run with /bin/sh -c in the worktree (required).", valueName: "cmd"))
    var test: String?

    @Option(
        name: .customLong("repo"), help: ArgumentHelp("The repository (default: .; for `replay`, the one the log names).", valueName: "dir"),
        completion: .directory)
    var repoOption: String?

    var repo: String { repoOption ?? "." }
    var repoGiven: Bool { repoOption != nil }

    @Option(name: .long, help: ArgumentHelp("With TRACE: the commit to start from, when the trace names none (default: HEAD).", valueName: "rev"))
    var base: String?

    @Option(name: .long, help: ArgumentHelp("Seconds a test run may take; then its process group is killed.", valueName: "s"))
    var timeout: Double?

    @Option(name: .customLong("timeout-verdict"), help: ArgumentHelp("What a run killed for its time counts as.", valueName: "bad|skip"))
    var timeoutVerdict: TimeoutVerdict = .skip

    @Option(name: .long, help: ArgumentHelp("Run each probe 1 + N times; runs that disagree make the state flaky (untrusted).", valueName: "n"))
    var retries: Int = 0

    @Option(name: .long, help: ArgumentHelp("Probe N states at once, each in its own worktree (k-ary search).", valueName: "n"))
    var jobs: Int = 1

    @Flag(name: .long, help: "Find a smallest set of spans whose edits alone make the test fail (ddmin), instead of the first failing state.")
    var minimal = false

    @Flag(name: .long, help: "Print one versioned JSON document instead of the report.")
    var json = false

    @Option(
        name: .long, help: ArgumentHelp("Write every probe and verdict to FILE (NDJSON); `bisect replay FILE` replays it.", valueName: "file"),
        completion: .file())
    var log: String?

    @OptionGroup var traceOptions: TraceOptions

    @OptionGroup var consoleOptions: ConsoleOptions

    enum TimeoutVerdict: String, ExpressibleByArgument, CaseIterable {
        case bad, skip
    }

    func validate() throws {
        if arguments.first == "replay" {
            guard arguments.count == 2 else { throw ValidationError("usage: agentreplay bisect replay LOGFILE [--repo DIR] [--json]") }
            return
        }
        if arguments.count > 1 { throw ValidationError("bisect takes one TRACE at most (a file named `replay`: write ./replay)") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if retries < 0 { throw ValidationError("--retries cannot be negative") }
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
        if trace == nil && base != nil { throw ValidationError("--base needs a TRACE: a stored run knows its base") }
    }

    mutating func run() throws {
        if arguments.first == "replay" {
            return try BisectReplay.run(logFile: arguments[1], repo: repoGiven ? repo : nil, json: json, console: consoleOptions.console)
        }
        guard let test, !test.isEmpty else {
            throw CLIFailure(
                message: "bisect needs the test to run: --test CMD",
                hint: "give the command that passes on good states and fails on bad ones, e.g. --test \"swift test\"")
        }
        let console = consoleOptions.console
        if let trace { arguments[0] = try SessionArgument.path(trace, repo: repo, console: console) }
        let repository = try Repository.open(repo, objectsInMemory: true)
        var options = Session.Options(command: test)
        let repositoryPath = repository.workingDirectory ?? repository.gitDirectory
        let history = try BisectInput.history(
            trace: trace, base: base, head: nil, traceOptions: traceOptions, repository: repository,
            cache: try? Session.folder(repositoryPath: repositoryPath, options: options), note: console.note)
        let header = BisectLog.Header(
            mode: minimal ? "minimal" : "bisect", trace: trace, repo: repo, base: base,
            head: trace == nil ? history.head?.hex : nil, from: traceOptions.from?.rawValue,
            recordedRoot: traceOptions.recordedRoot, test: test, jobs: jobs, retries: retries, timeout: timeout,
            timeoutVerdict: timeoutVerdict.rawValue, history: history)
        let logFile = try log.map { try BisectLogFile(path: $0) }
        logFile?.write(header.json)

        options.jobs = jobs
        options.retries = retries
        options.timeout = timeout
        options.timeoutVerdict = timeoutVerdict == .bad ? .bad : .skip
        options.minimal = minimal
        options.handlesSignals = true
        let session = Session(repository: repository, repositoryPath: repositoryPath, history: history, options: options)
        let progress = console.progress("bisect")
        // A search of n states takes about ⌈log2 n⌉ + 2 probes (both ends, then halving).
        let states = history.candidates.count
        let expected = minimal || states == 0 ? 0 : Int(log2(Double(states)).rounded(.up)) + 2
        session.onProbe = { logFile?.write(BisectLog.json($0)) }
        session.onBatch = { what, done in
            let at = expected > 0 ? Progress.bar(min(done, expected), of: expected) + " " : ""
            progress.show(at + "probe \(done + 1)\(expected > 0 ? " of ~\(expected)" : ""): \(what)")
        }
        session.onNote = { note in
            progress.clear()
            console.note(note)
        }
        let result: Session.Result
        do {
            result = try session.run()
        } catch BisectError.interrupted(let signal) {
            progress.clear()
            Terminal.error(
                "interrupted (signal \(signal)): the test's processes were stopped; the repository is unchanged",
                hint: Hint.bisect(.interrupted(signal: signal)), palette: console.err)
            throw ExitCode(128 + signal)
        } catch {
            progress.clear()
            throw error
        }
        progress.clear()
        logFile?.write(BisectLog.json(result: result.outcome, history: history, testRuns: result.testRuns))
        let summary = BisectSummary(
            history: history, outcome: result.outcome, probes: result.probes, mode: header.mode, test: test,
            repository: repository)
        try BisectInput.print(summary, json: json, console: console)
    }
}

/// Where the runs bisect searches come from, for `bisect` and `bisect replay` alike.
enum BisectInput {
    /// The history of `trace` replayed in memory, or of the stored run ending at `head`
    /// (default: the last run), kept in `cache` once read.
    /// `note` is told when the repository's lock is waited for, or what was cleared after a
    /// command killed while holding it.
    static func history(
        trace: String?, base: String?, head: ObjectID?, traceOptions: TraceOptions, repository: Repository,
        cache: String? = nil, note: (String) -> Void = { _ in }
    ) throws -> History {
        do {
            if let trace {
                let (loaded, run) = try traceOptions.replay(trace, onto: repository, base: base)
                return History(run: run, spans: loaded.spans)
            }
            // Read under the repository's lock: a run writing its refs now is either done
            // or not begun.
            return try RepositoryLock.holding(repository, readOnly: true, waiting: { note(RepositoryLock.waitingMessage($0)) }, notes: note) {
                try StoredRun.history(head: head, in: repository, cache: cache)
            }
        } catch let error as BisectError {
            throw CLIFailure(
                message: error.description,
                hint: trace == nil
                    ? "replay a session first (`agentreplay run TRACE --repo DIR`), or name one: `agentreplay bisect TRACE --test CMD`"
                    : "check the trace with `agentreplay run TRACE --no-refs`")
        }
    }

    static func print(_ summary: BisectSummary, json: Bool, console: Console) throws {
        if json {
            console.data(JSONWriter.pretty(try BisectDocument.json(summary)) + "\n")
        } else {
            console.report(try BisectReport.text(summary, palette: console.out))
        }
        if summary.exitStatus != 0 { throw ExitCode(summary.exitStatus) }
    }
}

/// The `--log` file, written line by line as the search goes.
final class BisectLogFile {
    let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CLIFailure(message: "cannot write \(path)", hint: "check that the folder of --log exists and is writable")
        }
        self.handle = handle
    }

    func write(_ value: JSON) {
        handle.write(Data(BisectLog.line(value).utf8))
    }
}
