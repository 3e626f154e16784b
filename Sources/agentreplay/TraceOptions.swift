import ArgumentParser
import Importers
import Trace

/// Options shared by every command that reads a session log.
struct TraceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The log's format, when detection is not wanted.",
        valueName: SourceFormat.allCases.map(\.rawValue).joined(separator: "|")))
    var from: SourceFormat?

    @Option(name: .customLong("recorded-root"), help: ArgumentHelp(
        "The absolute directory the agent worked in, when it is not the log's first working directory.",
        valueName: "path"))
    var recordedRoot: String?

    func load(_ path: String) throws -> Trace {
        try Importer.load(path: path, format: from, options: Importer.Options(recordedRoot: recordedRoot))
    }

    func open(_ path: String) throws -> TraceSource {
        try TraceSource.open(path: path, format: from, options: Importer.Options(recordedRoot: recordedRoot))
    }
}

extension SourceFormat: ExpressibleByArgument {}
