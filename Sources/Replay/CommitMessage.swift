import Git
import Trace

/// The author line and message of a run's commits: derived from the trace alone (agent name,
/// span, call id, recorded time in UTC), never from the machine.
package enum CommitMessage {
    package static func signature(header: Trace.Header, time: Int64) -> Signature {
        let name = VisibleText.escape([header.agentName, header.agentVersion].compactMap { $0 }.joined(separator: " "))
        let email = header.agentName.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." } + "@agentreplay.invalid"
        return Signature(name: name, email: email, time: time, offsetMinutes: 0)
    }

    /// The message: a subject naming the tool and the paths, and the trailers that tie the
    /// commit to its span. Every string from the log is made inert (`VisibleText.escape`): a
    /// NUL would end the message where git reads it (losing the trailers bisect and blame
    /// read back), a newline would forge a trailer, ESC would reach whoever runs `git log`.
    static func text(span: Span, paths: [String], header: Trace.Header) -> String {
        parts(span: span, header: header).text(paths: paths)
    }

    /// What a span gives its commit's message, kept until the run knows the commit's paths.
    struct Parts {
        var tool: String
        var trailers: String
        /// The span's recorded time (seconds), the commit's author and committer time.
        var time: Int64

        /// The message: a subject naming the tool and the first path, then the trailers.
        func text(paths: [String]) -> String {
            var subject = tool
            if let first = paths.first { subject += " " + VisibleText.escape(first) }
            if paths.count > 1 { subject += " (+\(paths.count - 1) more)" }
            return subject + "\n\n" + trailers
        }
    }

    static func parts(span: Span, header: Trace.Header, time: Int64 = 0) -> Parts {
        var lines: [String] = []
        lines.append("Agentreplay-Span: \(VisibleText.escape(span.id.rawValue))")
        if let call = span.toolCallID { lines.append("Agentreplay-Tool-Call: \(VisibleText.escape(call))") }
        if let line = span.attributes[GenAI.sourceLine]?.intValue { lines.append("Agentreplay-Source-Line: \(line)") }
        lines.append("Agentreplay-Trace: \(VisibleText.escape(header.traceID))")
        return Parts(tool: VisibleText.escape(span.toolName ?? span.name), trailers: lines.joined(separator: "\n") + "\n", time: time)
    }
}
