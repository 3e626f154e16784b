import ArgumentParser
import Foundation
import Trace

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a session log to agentreplay's native trace format (NDJSON).",
        discussion: "The output is canonical: the same log always gives the same bytes.")

    @Argument(help: "The session log to read.", completion: .file())
    var file: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the trace (default: standard output).", valueName: "file"), completion: .file())
    var output: String?

    @OptionGroup var traceOptions: TraceOptions

    @OptionGroup var consoleOptions: ConsoleOptions

    func run() throws {
        let trace = try traceOptions.load(file)
        let bytes = TraceWriter.bytes(trace)
        if let output {
            try OutputFile.write(bytes, to: output)
        } else {
            Terminal.writeBytes(bytes)
        }
    }
}
