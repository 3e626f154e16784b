import ArgumentParser
import Git
import Importers
import Replay
import RunStore
import Trace

/// Options shared by every command that reads a session log.
struct TraceOptions: ParsableArguments {
    /// The help of the session log argument those commands take.
    static let logHelp = ArgumentHelp(
        "The session log, in any format read (\(SourceFormat.allCases.map(\.rawValue).joined(separator: ", "))); detected unless --from names it."
    )

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The log's format, when detection is not wanted.",
            valueName: SourceFormat.allCases.map(\.rawValue).joined(separator: "|")))
    var from: SourceFormat?

    @Option(
        name: .customLong("recorded-root"),
        help: ArgumentHelp(
            "The absolute directory the agent worked in, when it is not the log's first working directory.",
            valueName: "path"), completion: .directory)
    var recordedRoot: String?

    func load(_ path: String) throws -> Trace {
        try Importer.load(path: path, format: from, options: Importer.Options(recordedRoot: recordedRoot))
    }

    /// Loads the trace at `path` and replays it onto `repository` (its recorded base, else
    /// `base`, else HEAD) through `RunStore.replay`, writing nothing; `progress`, when given,
    /// follows the spans.
    func replay(_ path: String, onto repository: Repository, base: String?, progress: Progress? = nil) throws -> (trace: Trace, run: Run) {
        let trace = try load(path)
        return (trace, try RunStore.replay(trace, onto: repository, base: base, observer: progress?.spansObserver ?? RunStore.Observer()))
    }

    func open(_ path: String, recoversBadSpans: Bool = true) throws -> TraceSource {
        try TraceSource.open(path: path, format: from, options: Importer.Options(recordedRoot: recordedRoot), recoversBadSpans: recoversBadSpans)
    }
}

extension SourceFormat: ExpressibleByArgument {}
