import Replay
import Trace

extension Why {
    /// A tool call whose result the agent had seen before the turn decided.
    public struct Seen: Sendable {
        public enum Kind: String, Sendable {
            /// A tool that shows files (Read, view, read_file, …).
            case read
            /// A shell command and its output.
            case command
            /// Any other call that returned something (search, web fetch, a sub-agent, …).
            case tool
            /// A call the log records as failed, or replay could not apply as recorded.
            case failure
        }

        public var place: Place
        public var kind: Kind
        public var name: String
        public var tool: String?
        public var callID: String?
        public var paths: [String]
        public var shell: ShellCall?
        public var verdict: Verdict
        public var failed: Bool
        /// What the tool returned, as the log recorded it (empty when it kept nothing).
        public var output: String

        /// The tool calls of `context` among `range` of the trace, in order. Calls that only
        /// changed files and returned nothing to read (a successful edit's confirmation) are
        /// left out; a failed one is a failure.
        static func collect(in range: Range<Int>, context: Int?, spans: SpanLookup, run: Run) -> [Seen] {
            var out: [Seen] = []
            guard !range.isEmpty else { return out }
            for i in range where run.steps[i].kind == .tool && spans.context(of: i) == context {
                let step = run.steps[i]
                let span = spans.span(at: i)
                let failed = span?.failed ?? false
                let shell = span.flatMap(ShellCall.init)
                let kind: Kind
                if failed || step.verdict.isFailure {
                    kind = .failure
                } else if shell != nil {
                    kind = .command
                } else if !step.changes.isEmpty {
                    continue  // an edit that applied: nothing new to see
                } else if let tool = step.toolName, Action.readTools.contains(tool) || span?.input?["command"]?.stringValue == "view" {
                    kind = .read
                } else {
                    kind = .tool
                }
                out.append(
                    Seen(
                        place: Place(index: i, span: span, id: step.spanID), kind: kind, name: step.name, tool: step.toolName,
                        callID: step.callID, paths: step.paths, shell: shell, verdict: step.verdict, failed: failed,
                        output: Why.text(span?.output)))
            }
            return out
        }
    }

    /// The trace's spans by step, and the context each belongs to.
    struct SpanLookup {
        let trace: Trace
        let run: Run
        let indexOf: [Span.ID: Int]

        init(trace: Trace, run: Run) {
            self.trace = trace
            self.run = run
            var indexOf: [Span.ID: Int] = [:]
            for step in run.steps where indexOf[step.spanID] == nil { indexOf[step.spanID] = step.index }
            self.indexOf = indexOf
        }

        func span(at index: Int) -> Span? {
            let step = run.steps[index]
            if index < trace.spans.count, trace.spans[index].id == step.spanID { return trace.spans[index] }
            return trace.spans.first { $0.id == step.spanID }
        }

        func index(of id: Span.ID) -> Int? { indexOf[id] }

        /// The step of the nearest `agent` span above `index` (its sub-agent), nil for the
        /// main thread. Parent links are followed a bounded number of times: a log may loop.
        func context(of index: Int) -> Int? {
            var parent = span(at: index)?.parentID
            var hops = 0
            while let id = parent, hops < 64, let i = indexOf[id] {
                if run.steps[i].kind == .agent { return i }
                parent = span(at: i)?.parentID
                hops += 1
            }
            return nil
        }

        /// The last user message of `context` before `index` (not one the agent injected).
        func prompt(before index: Int, context: Int?) -> Int? {
            var i = index - 1
            let floor = context ?? -1
            while i > floor {
                if run.steps[i].kind == .user, span(at: i)?.attributes["agentreplay.meta"]?.boolValue != true,
                    self.context(of: i) == context
                {
                    return i
                }
                i -= 1
            }
            return nil
        }

        /// The step a span id, a unique start of one, or a tool call id names.
        func find(_ text: String) throws(Why.Failure) -> Int {
            if let i = indexOf[Span.ID(text)] { return i }
            if let step = run.steps.first(where: { $0.callID == text }) { return step.index }
            let matches = run.steps.filter { $0.spanID.rawValue.hasPrefix(text) }
            let distinct = Array(Set(matches.map(\.spanID))).sorted()
            if distinct.count == 1, let first = matches.first { return first.index }
            if distinct.count > 1 { throw .ambiguousSpan(text, candidates: distinct) }
            throw .noSuchSpan(text, count: run.steps.count)
        }
    }
}
