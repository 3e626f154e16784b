import ArgumentParser
import Collector
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

            --endpoint URL sends it to an OpenTelemetry collector over OTLP/HTTP instead of \
            writing it: to URL/v1/traces (--traces-endpoint takes the whole URL), in \
            protobuf (--otlp-protocol http/protobuf, the default) or JSON (http/json), with \
            each --header KEY=VALUE. 429, 502, 503, 504 and a collector not listening are \
            retried (its Retry-After honoured, else 1 s, 2 s, 4 s, ...) up to --attempts in \
            all; any other refusal ends at once with the collector's message. --send takes \
            the collector, protocol, headers and timeout from OTEL_EXPORTER_OTLP_ENDPOINT, \
            _PROTOCOL, _HEADERS and _TIMEOUT (and their _TRACES_ forms), as OpenTelemetry's \
            exporters do; OTEL_EXPORTER_OTLP_*HEADERS are read only then.

            EXIT STATUS
              0  written, or sent and every span taken
              1  sent, but the collector rejected some spans (partial success)
              2  bad input (the message names the file, line and field), an
                 output that cannot be written, or unusable collector settings
              4  the collector refused the export (a 4xx other than 429, a redirect)
              5  the collector was not reached, or stayed busy (429, 502, 503, 504)
                 until the attempts ran out: try again later
            """)

    @Argument(
        help: ArgumentHelp("The session log, in any format read; detected unless --from names it.", valueName: "trace"),
        completion: .file())
    var trace: String

    @Flag(name: .long, help: "Write OTLP JSON (the one export format, and required: formats may be added).")
    var otlp = false

    @Option(
        name: .shortAndLong, help: ArgumentHelp("Where to write it (default: standard output).", valueName: "file"),
        completion: .file())
    var output: String?

    @Flag(name: .long, help: "Replay the session in memory onto --repo first, and add each span's verdict and drift.")
    var replay = false

    @Option(
        name: .long, help: ArgumentHelp("With --replay: the repository to replay onto.", valueName: "dir"),
        completion: .directory)
    var repo: String = "."

    @Option(name: .long, help: ArgumentHelp("With --replay: the commit to start from, when the trace names none (default: HEAD).", valueName: "rev"))
    var base: String?

    @Flag(name: .long, help: "Indent the JSON (several lines) instead of one line.")
    var pretty = false

    @Option(
        name: .long,
        help: ArgumentHelp("Send to this OTLP/HTTP collector instead of writing: a base URL, to which /v1/traces is appended.", valueName: "url"))
    var endpoint: String?

    @Option(name: .long, help: ArgumentHelp("Send to this URL of a collector's traces receiver, used as it is.", valueName: "url"))
    var tracesEndpoint: String?

    @Flag(name: .long, help: "Send to the collector the OTEL_EXPORTER_OTLP_* variables name (default http://localhost:4318/v1/traces).")
    var send = false

    @Option(name: .long, help: ArgumentHelp("When sending: http/protobuf (default) or http/json.", valueName: "protocol"))
    var otlpProtocol: String?

    @Option(name: .long, help: ArgumentHelp("When sending: a header to send, KEY=VALUE (repeat for more).", valueName: "key=value"))
    var header: [String] = []

    @Option(name: .long, help: ArgumentHelp("When sending: attempts in all, retries included (default 5; 1 never retries).", valueName: "n"))
    var attempts: Int?

    @Option(name: .long, help: ArgumentHelp("When sending: seconds to wait for the collector, per attempt (default 10).", valueName: "seconds"))
    var timeout: Double?

    @OptionGroup var traceOptions: TraceOptions

    @OptionGroup var consoleOptions: ConsoleOptions

    func validate() throws {
        if !otlp { throw ValidationError("name the format to export: --otlp (the one format written so far)") }
        if base != nil && !replay { throw ValidationError("--base only makes sense with --replay") }
        if sending {
            if output != nil { throw ValidationError("-o writes the export, --endpoint and --send send it: give one") }
            if pretty { throw ValidationError("--pretty shapes the JSON written; a collector is sent one line (or protobuf)") }
        } else if otlpProtocol != nil || !header.isEmpty || attempts != nil || timeout != nil {
            throw ValidationError("--otlp-protocol, --header, --attempts and --timeout apply when sending: add --endpoint URL (or --send)")
        }
    }

    var sending: Bool { send || endpoint != nil || tracesEndpoint != nil }

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
        if sending {
            try sendToCollector(document, spans: trace.spans.count)
            return
        }
        let text = (pretty ? JSONWriter.pretty(document) : JSONWriter.string(document)) + "\n"
        if let output {
            try OutputFile.write(Array(text.utf8), to: output)
        } else {
            consoleOptions.console.data(text)
        }
    }

    /// Sends the export (`CollectorClient`), telling of retries and the outcome as notes;
    /// ends the process with the send's exit status when it is not 0.
    func sendToCollector(_ document: JSON, spans: Int) throws {
        let console = consoleOptions.console
        let settings: CollectorSettings
        do {
            settings = try CollectorSettings.resolve(
                .init(
                    endpoint: endpoint, tracesEndpoint: tracesEndpoint, otlpProtocol: otlpProtocol,
                    headers: header, timeout: timeout, attempts: attempts),
                environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CLIFailure(collector: error)
        }
        for note in settings.notes { console.note(note) }
        let body: [UInt8]
        switch settings.otlpProtocol {
        case .httpJSON: body = Array((JSONWriter.string(document) + "\n").utf8)
        case .httpProtobuf:
            do { body = try OTLPProtobuf.bytes(document) } catch { throw CLIFailure(message: error.description) }
        }
        let client = CollectorClient(settings: settings, userAgent: "agentreplay/\(AgentReplayVersion.current)")
        let receipt: CollectorClient.Receipt
        do {
            receipt = try client.send(
                body,
                onRetry: { retry in
                    let why = retry.fromRetryAfter ? "as its Retry-After asks" : "backing off"
                    let ignored = retry.unreadableRetryAfter ? " (its Retry-After is neither seconds nor a date)" : ""
                    console.note(
                        "\(retry.reason); attempt \(retry.attempt) of \(retry.attempts) in \(CollectorClient.seconds(retry.wait)), \(why)\(ignored)")
                })
        } catch {
            throw CLIFailure(collector: error)
        }
        let what = "\(spans) span\(spans == 1 ? "" : "s") (\(receipt.bytes) bytes, \(settings.otlpProtocol.rawValue)) to \(receipt.url)"
        if receipt.rejectedSpans > 0 {
            let why = receipt.message.isEmpty ? "" : ": \(receipt.message)"
            throw CLIFailure(
                message: "sent \(what), but the collector rejected \(receipt.rejectedSpans) of them\(why)",
                hint: "the collector's log says more; the other spans were taken", status: 1)
        }
        console.note("sent \(what): HTTP \(receipt.status), attempt \(receipt.attempts)")
        if !receipt.message.isEmpty { console.note("the collector says: \(receipt.message)") }
        if receipt.unreadableResponse {
            console.note("the collector's answer is not an ExportTraceServiceResponse: whether it rejected spans is not known")
        }
    }
}
