import ArgumentParser
import Git
import Importers
import Replay
import Trace

/// Options shared by every command that reads a session log.
struct TraceOptions: ParsableArguments {
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
    /// `base`, else HEAD), writing no refs; `progress`, when given, follows the spans.
    func replay(_ path: String, onto repository: Repository, base: String?, progress: Progress? = nil) throws -> (trace: Trace, run: Run) {
        let trace = try load(path)
        let first = trace.spans.first.flatMap { $0.startTime ?? $0.endTime }?.seconds
        let start = try Base.resolve(header: trace.header, revision: base, sessionStart: first, in: repository)
        let replayer = Replayer(repository: repository)
        defer { progress?.clear() }
        var iterator = trace.spans.makeIterator()
        let next = progress?.spans(of: trace.spans) ?? { iterator.next() }
        // Nothing is written: a second replay (a base found by agreement) may share the handle.
        let chosen = try replayer.replayChoosingBase(
            header: trace.header, base: start, sessionStart: first, next: next,
            again: {
                var spans = trace.spans.makeIterator()
                return { spans.next() }
            },
            fresh: { repository })
        return (trace, chosen.run)
    }

    func open(_ path: String, recoversBadSpans: Bool = true) throws -> TraceSource {
        try TraceSource.open(path: path, format: from, options: Importer.Options(recordedRoot: recordedRoot), recoversBadSpans: recoversBadSpans)
    }
}

extension SourceFormat: ExpressibleByArgument {}
