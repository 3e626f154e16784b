import Analysis
import ArgumentParser
import Audit
import Bisect
import Foundation
import Git
import HTMLReport
import Insight
import Replay
import Trace

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a session as one self-contained HTML page: timeline, edits as diffs, drift, cost per turn.",
        discussion: """
            The session is replayed in memory (nothing is written to the repository) and drawn \
            as one HTML file with everything inline (no network, no external files): a \
            waterfall of the spans on a time axis (long idle stretches shortened), each span's \
            edits as a diff, drift and failures marked, cost per model turn as a bar chart, \
            the files and hunks of the final diff with what they cost. The same input gives \
            the same bytes.

            --diff OTHER compares the session with another run of the task (as `agentreplay \
            diff` does) and marks where they part ways; --bisect LOG marks the culprit a \
            bisect found (its --log file, or its --json output).

            EXIT STATUS
              0  written
              2  bad input: an unreadable trace, price table, other session or bisect log
            """)

    @Argument(help: TraceOptions.logHelp, completion: .file())
    var trace: String

    @Option(
        name: .shortAndLong, help: ArgumentHelp("Where to write the page; - for standard output.", valueName: "file"),
        completion: .file())
    var output: String = "report.html"

    @Option(
        name: .long, help: ArgumentHelp("Another session of the same task: mark where this one parts from it.", valueName: "trace"),
        completion: .file())
    var diff: String?

    @Option(
        name: .long, help: ArgumentHelp("A bisect log (`bisect --log`) or `bisect --json` output: mark its culprit.", valueName: "file"),
        completion: .file())
    var bisect: String?

    @OptionGroup var sessionOptions: SessionOptions

    @OptionGroup var traceOptions: TraceOptions

    @OptionGroup var consoleOptions: ConsoleOptions

    mutating func run() throws {
        trace = try SessionArgument.path(trace, repo: sessionOptions.repo, console: consoleOptions.console)
        if let other = diff { diff = try SessionArgument.path(other, repo: sessionOptions.repo, console: consoleOptions.console) }
        var findings: [String] = []
        let bisectMarks = try bisect.map { try BisectMarks.read($0) }
        var audit: Audit?
        let session = try sessionOptions.session(trace, traceOptions: traceOptions, needsRepository: diff != nil || bisect != nil) {
            trace, run, repository in
            audit = Audit(trace)
            var marks: [Highlight] = []
            if let other = diff {
                let (otherTrace, otherRun) = try traceOptions.replay(other, onto: repository, base: sessionOptions.base)
                let result = RunDiff.compare(a: (trace, run), b: (otherTrace, otherRun))
                marks += Highlight.marks(of: result, otherName: other)
                findings.append(
                    result.identical
                        ? "Compared with \(other): identical, call for call."
                        : "Compared with \(other): \(result.differences.count) difference\(result.differences.count == 1 ? "" : "s")"
                            + (result.finalTreesEqual ? "; the final files are the same." : "; the final files differ."))
            }
            if let b = bisectMarks {
                guard b.traceID == nil || b.traceID == run.header.traceID else {
                    throw CLIFailure(
                        message: "\(bisect!): the bisect is of trace \(b.traceID!), not of \(self.trace) (trace \(run.header.traceID))",
                        hint: "give report the session that was bisected, or leave --bisect out")
                }
                marks += b.highlights
                findings.append(b.summary)
            }
            return marks
        }
        if !session.run.replayed { findings.append(ShowReport.notReplayed) }
        let page = HTMLReport.render(session, context: HTMLReport.Context(traceName: trace, findings: findings, audit: audit))
        try OutputFile.write(Array(page.utf8), to: output)
        if output != "-" { consoleOptions.console.note("wrote \(output)") }
    }
}
