import ArgumentParser
import Export
import Foundation
import Git
import Replay
import Trace

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a session as OpenTelemetry spans (OTLP JSON), to send to any tracing backend.",
        discussion: """
            --otlp writes one ExportTraceServiceRequest in OTLP's JSON encoding, on one line: \
            model calls as `chat <model>` spans, tool calls as `execute_tool <tool>` spans, \
            sub-agents as `invoke_agent` spans, with the OpenTelemetry GenAI attribute names \
            (gen_ai.operation.name, gen_ai.request.model, gen_ai.usage.*, gen_ai.tool.name, \
            gen_ai.tool.call.id, gen_ai.tool.call.arguments/result, ...). Ids come from the \
            trace (its trace id; span ids kept when they are 16 hex digits, else hashed), so \
            the same trace gives the same bytes. What the conventions do not name is kept as \
            agentreplay.* attributes, so `agentreplay import` of the export gives the trace back.

            With --replay, the session is first replayed in memory onto --repo (nothing is \
            written to it) and each span also carries the run's verdict \
            (agentreplay.replay.verdict, paths, commit) and one `agentreplay.drift` event per \
            drift found; the resource carries the run's summary.

            Send it to a collector's OTLP/HTTP receiver: \
            curl -H 'Content-Type: application/json' --data @trace.otlp.json http://COLLECTOR:4318/v1/traces

            EXIT STATUS
              0  written
              2  bad input (the message names the file, line and field), or the output cannot be written
            """)

    @Argument(help: ArgumentHelp("The session log, in any format read; detected unless --from names it.", valueName: "trace"),
              completion: .file())
    var trace: String

    @Flag(name: .long, help: "Write OTLP JSON (the one export format, and required: formats may be added).")
    var otlp = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write it (default: standard output).", valueName: "file"),
            completion: .file())
    var output: String?

    @Flag(name: .long, help: "Replay the session in memory onto --repo first, and add each span's verdict and drift.")
    var replay = false

    @Option(name: .long, help: ArgumentHelp("With --replay: the repository to replay onto.", valueName: "dir"),
            completion: .directory)
    var repo: String = "."

    @Option(name: .long, help: ArgumentHelp("With --replay: the commit to start from, when the trace names none (default: HEAD).", valueName: "rev"))
    var base: String?

    @Flag(name: .long, help: "Indent the JSON (several lines) instead of one line.")
    var pretty = false

    @OptionGroup var traceOptions: TraceOptions

    @OptionGroup var consoleOptions: ConsoleOptions

    func validate() throws {
        if !otlp { throw ValidationError("name the format to export: --otlp (the one format written so far)") }
        if base != nil && !replay { throw ValidationError("--base only makes sense with --replay") }
    }

    mutating func run() throws {
        self.trace = try SessionArgument.path(self.trace, repo: repo, console: consoleOptions.console)
        let trace: Trace
        var run: Run?
        if replay {
            let repository = try Repository.open(repo, objectsInMemory: true)
            let replayed = try traceOptions.replay(self.trace, onto: repository, base: base, progress: consoleOptions.console.progress("export"))
            trace = replayed.trace
            run = replayed.run
        } else {
            trace = try traceOptions.load(self.trace)
        }
        let document = OTLPExport.document(trace, run: run, scope: .init(version: AgentReplayVersion.current))
        let text = (pretty ? JSONWriter.pretty(document) : JSONWriter.string(document)) + "\n"
        if let output {
            try OutputFile.write(Array(text.utf8), to: output)
        } else {
            consoleOptions.console.data(text)
        }
    }
}
