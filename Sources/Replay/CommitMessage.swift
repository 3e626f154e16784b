import Git
import Trace

/// The author line and message of a run's commits: derived from the trace alone (agent name,
/// span, call id, recorded time in UTC), never from the machine.
enum CommitMessage {
    static func signature(header: Trace.Header, time: Int64) -> Signature {
        let name = [header.agentName, header.agentVersion].compactMap { $0 }.joined(separator: " ")
        let email = header.agentName.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." } + "@agentreplay.invalid"
        return Signature(name: name, email: email, time: time, offsetMinutes: 0)
    }

    static func text(span: Span, paths: [String], header: Trace.Header) -> String {
        parts(span: span, header: header).text(paths: paths)
    }

    /// What a span gives its commit's message, kept until the run knows the commit's paths.
    struct Parts {
        var tool: String
        var trailers: String

        /// The message: a subject naming the tool and the first path, then the trailers.
        func text(paths: [String]) -> String {
            var subject = tool
            if let first = paths.first { subject += " " + first }
            if paths.count > 1 { subject += " (+\(paths.count - 1) more)" }
            return subject + "\n\n" + trailers
        }
    }

    static func parts(span: Span, header: Trace.Header) -> Parts {
        var lines: [String] = []
        lines.append("Agentreplay-Span: \(span.id)")
        if let call = span.toolCallID { lines.append("Agentreplay-Tool-Call: \(call)") }
        if let line = span.attributes[GenAI.sourceLine]?.intValue { lines.append("Agentreplay-Source-Line: \(line)") }
        lines.append("Agentreplay-Trace: \(header.traceID)")
        return Parts(tool: span.toolName ?? span.name, trailers: lines.joined(separator: "\n") + "\n")
    }
}
