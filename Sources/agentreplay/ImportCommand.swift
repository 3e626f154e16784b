import ArgumentParser
import Importers
import Trace

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a session log to agentreplay's native trace format (NDJSON).",
        discussion: """
            The output is canonical: the same log always gives the same bytes. A native trace \
            is streamed span by span; an output file appears whole or not at all.
            """)

    @Argument(help: "The session log to read.", completion: .file())
    var file: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the trace (default: standard output).", valueName: "file"), completion: .file())
    var output: String?

    @OptionGroup var traceOptions: TraceOptions

    @OptionGroup var consoleOptions: ConsoleOptions

    func run() throws {
        let source = try traceOptions.open(file, recoversBadSpans: false)
        let sink = try output.map { $0 == "-" ? TraceOutput() : try TraceOutput(path: $0) } ?? TraceOutput()
        try sink.write(source.header)
        while let span = try source.next() { try sink.write(span) }
        try sink.finish()
    }
}
