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

    mutating func run() throws {
        file = try SessionArgument.path(file, repo: ".", console: consoleOptions.console)
        let source = try traceOptions.open(file, recoversBadSpans: false)
        let sink = try output.map { $0 == "-" ? TraceOutput() : try TraceOutput(path: $0) } ?? TraceOutput()
        try sink.write(source.header)
        // How far the reading has got, in bytes of a native trace: the difference is the
        // length of each span's line, which bounds what the spans waiting to be written hold.
        // (An imported log counts spans there, and its spans are all in memory already.)
        var read = source.position().done
        while let span = try source.next() {
            let now = source.position().done
            try sink.write(span, size: now - read)
            read = now
        }
        try sink.finish()
    }
}
