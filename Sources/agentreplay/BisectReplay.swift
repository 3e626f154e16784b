import Bisect
import Foundation
import Git
import Replay
import Trace

/// `agentreplay bisect replay LOGFILE`: the search of a bisect log done again from the
/// verdicts it records, running no test, printing what the bisect printed.
///
/// The log's verdicts are fed to the same search that wrote them (`LogReplay`); every state
/// it asks for must be the log's next probe. The run is found again as the log names it
/// (the trace file, or the stored run's head commit) in `--repo` (default: the log's), and
/// its trees must be the log's. Exit statuses are `bisect`'s; a log that ends before the
/// search does (an interrupted bisect) or that another run wrote is trouble (2).
enum BisectReplay {
    static func run(logFile: String, repo: String?, json: Bool, console: Console) throws {
        guard let data = FileManager.default.contents(atPath: logFile) else {
            throw CLIFailure(message: "cannot read \(logFile)", hint: "name the file `agentreplay bisect --log FILE` wrote")
        }
        let log: LogReplay.Log
        let outcome: BisectOutcome?
        do {
            log = try LogReplay.read(Array(data), name: logFile)
            outcome = try LogReplay.replay(log)
        } catch let error as BisectError {
            throw CLIFailure(
                message: error.description, hint: "a bisect log is the NDJSON file `agentreplay bisect --log FILE` wrote; docs/bisect.md describes it"
            )
        }
        let header = log.header
        guard let outcome else {
            throw CLIFailure(
                message: "\(logFile): the log ends after \(log.probes.count) probes, before the search does (an interrupted bisect?)",
                hint: "run the bisect again with the same --log: an interrupted search cannot be replayed")
        }
        let repository = try Repository.open(repo ?? header.repo, objectsInMemory: true)
        var traceOptions = try TraceOptions.parse([])
        traceOptions.from = header.from.flatMap(SourceFormat.init(rawValue:))
        traceOptions.recordedRoot = header.recordedRoot
        let head = header.head.flatMap(ObjectID.init(hex:))
        let history = try BisectInput.history(trace: header.trace, base: header.base, head: head, traceOptions: traceOptions, repository: repository)
        guard history.baseTree.hex == header.baseTree, history.candidates.map(\.tree.hex) == header.candidates.map(\.tree) else {
            throw CLIFailure(
                message: "\(logFile): the run found in the repository is not the one this log bisected (its trees differ)",
                hint: "give the repository the log was written in with --repo, where the same run is stored")
        }
        let summary = BisectSummary(
            history: history, outcome: outcome, probes: log.probes, mode: header.mode, test: header.test,
            repository: repository)
        try BisectInput.print(summary, json: json, console: console)
    }
}
