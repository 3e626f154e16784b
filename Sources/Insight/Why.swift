import Analysis
import Git
import Replay
import Trace

/// Why a line of a file is what it is after a session, or why a span happened: the span that
/// last wrote the line (line blame), the model turn that asked for that call (its text and
/// reasoning as the log recorded them), the user prompt in force, and what the agent had seen
/// in that context before the turn decided (`Why.Seen`: reads, command outputs, failures since
/// the prompt).
///
/// Glossary:
/// - **Context**: the thread of conversation a span belongs to: the session's main thread, or
///   one sub-agent (a span under an `agent` span, Claude Code's sidechains). A prompt and what
///   was seen count only inside the turn's own context.
/// - **Prompt in force**: the last user message of the context before the turn (messages the
///   agent injected itself, `agentreplay.meta`, are not prompts).
/// - **Seen**: a tool call of the context after the prompt and before the turn: its result was
///   in front of the model when it decided.
/// - **Recovered**: a change replay did not watch happen but adopted from what the log showed
///   later, as the effect of the shell call that could have made it (`Recovery`); the call is
///   named with the step whose observation showed the content (`inferred from #N`).
///
/// A value built from values: the trace, its run and a function that reads blobs; tested on
/// real fixture sessions replayed onto scripted repositories.
public struct Why: Sendable {
    /// What the user asked about.
    public enum Target: Sendable, Equatable {
        /// 1-based line of a repo-relative path after the run.
        case line(path: String, number: Int)
        /// A span: `#N` (its place in the trace, as `run` and `show` print it).
        case index(Int)
        /// A span id (or the start of one, as `blame` prints it), or a tool call id.
        case id(String)

        /// Reads `FILE:LINE`, `#N` or a span id; nil when `text` is empty.
        public static func parse(_ text: String) -> Target? {
            if text.isEmpty { return nil }
            if text.hasPrefix("#"), let n = Int(text.dropFirst()), n >= 0, text.count > 1, text.dropFirst().allSatisfy(\.isNumber) {
                return .index(n)
            }
            if let colon = text.lastIndex(of: ":"), colon != text.startIndex {
                let digits = text[text.index(after: colon)...]
                if !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits) {
                    return .line(path: String(text[..<colon]), number: n)
                }
            }
            return .id(text)
        }
    }

    /// The line asked about.
    public struct Line: Sendable, Equatable {
        public var path: String
        public var number: Int
        public var text: String
        /// The file's blob after the run, and its number of lines.
        public var blob: ObjectID
        public var count: Int
    }

    /// A span named in the answer, and where the log has it.
    public struct Place: Sendable, Equatable {
        /// The span's place in the trace (`#N`).
        public var index: Int
        public var spanID: Span.ID
        /// The line of the source log the span was read from (for a tool call, the call's).
        public var line: Int?
        /// For a tool call, the line its result was read from.
        public var resultLine: Int?

        init(index: Int, span: Span?, id: Span.ID) {
            self.index = index
            spanID = id
            line = span?.attributes[GenAI.sourceLine]?.intValue.map(Int.init)
            resultLine = span?.attributes["agentreplay.source.result_line"]?.intValue.map(Int.init)
        }
    }

    /// The tool call that wrote the line (or the span asked about, when it is a tool call).
    public struct Call: Sendable {
        public var place: Place
        public var name: String
        public var tool: String?
        public var callID: String?
        public var verdict: Verdict
        public var failed: Bool
        public var paths: [String]
        /// A shell call's command and ending.
        public var shell: ShellCall?
        /// The run's commit for the step.
        public var commit: ObjectID?
        /// Set when the change to the line's file was recovered: the step (`#N`) whose
        /// observation showed the content replay adopted as this call's effect.
        public var recoveredFrom: Int?
        /// The replay's note on the step (why it was not applied as recorded, …).
        public var note: String?
    }

    /// The model turn that asked for the call.
    public struct ModelTurn: Sendable {
        public var place: Place
        /// 1-based among the session's model turns, as `show` and `audit` number them.
        public var number: Int
        public var model: String?
        public var usage: Usage
        /// The text the model answered with, whole, as recorded (empty when it only called
        /// tools).
        public var text: String
        /// Its thinking as recorded (`reasoning` of the llm span's output), nil when the log
        /// kept none.
        public var reasoning: String?
        /// The call ids of the tool calls it asked for, in order.
        public var calls: [String]
    }

    /// The user message in force.
    public struct Prompt: Sendable {
        public var place: Place
        public var text: String
    }

    public var target: Target
    /// The line asked about (nil when a span was asked about).
    public var line: Line?
    /// The call that last wrote the line, or the tool call asked about.
    public var call: Call?
    /// The model turn that asked for the call (or the turn asked about); nil when the trace
    /// links the call to none.
    public var turn: ModelTurn?
    /// The user prompt in force; nil when the context has none before the turn.
    public var prompt: Prompt?
    /// The sub-agent the turn ran in (its `agent` span), nil for the session's main thread.
    public var agent: Place?
    /// What the agent had seen in that context, since the prompt, before the turn decided.
    public var seen: [Seen]
    /// The commit the run started on.
    public var baseCommit: ObjectID?

    /// Why no answer can be given.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The file cannot be blamed (deleted, never created, blobs unreadable).
        case blame(Blame.Failure)
        case lineOutOfRange(path: String, line: Int, count: Int)
        /// No span wrote the line: it is the base's (or the start state's, first seen at a step).
        case fromBase(path: String, line: Int, text: String, baseCommit: ObjectID?, startStateSeenAt: Int?)
        case noSuchSpan(String, count: Int)
        case ambiguousSpan(String, candidates: [Span.ID])

        public var description: String {
            switch self {
            case .blame(let failure):
                return failure.description
            case let .lineOutOfRange(path, line, count):
                if line < 1 { return "\(path):\(line): lines are numbered from 1" }
                return "\(path):\(line): the file has \(count) line\(count == 1 ? "" : "s") after the run"
            case let .fromBase(path, line, _, base, seenAt):
                let commit = base.map { "commit \($0.hex)" } ?? "an empty tree"
                if let seenAt {
                    return "\(path):\(line) was written by no span of the session: it comes from the working tree the session began on "
                        + "(the file as the log first showed it, at #\(seenAt); base \(commit))"
                }
                return "\(path):\(line) was written by no span of the session: it comes from the base, \(commit)"
            case let .noSuchSpan(name, count):
                return "\(name): no such span in the session (it has \(count) span\(count == 1 ? "" : "s"), #0 to #\(max(count - 1, 0)))"
            case let .ambiguousSpan(prefix, candidates):
                return "\(prefix): \(candidates.count) spans have an id starting with it: "
                    + candidates.prefix(5).map(\.rawValue).joined(separator: ", ") + (candidates.count > 5 ? ", …" : "")
            }
        }
    }

    /// Answers `target` for `run`, the replay of `trace`.
    ///
    /// - Parameters:
    ///   - final: for a line, the blob at its path in the run's final tree (nil when there is
    ///     no regular file there), as for `Blame`.
    ///   - read: the content of a blob.
    public init(_ target: Target, trace: Trace, run: Run, final: ObjectID? = nil, read: (ObjectID) throws -> [UInt8]) throws(Failure) {
        self.target = target
        baseCommit = run.baseCommit
        let spans = SpanLookup(trace: trace, run: run)
        let index: Int
        switch target {
        case let .line(path, number):
            let blame: Blame
            do {
                blame = try Blame(run, path: path, final: final, read: read)
            } catch {
                throw .blame(error)
            }
            guard number >= 1, number <= blame.lines.count else {
                throw .lineOutOfRange(path: path, line: number, count: blame.lines.count)
            }
            let found = blame.lines[number - 1]
            line = Line(path: path, number: number, text: found.text, blob: blame.blob, count: blame.lines.count)
            guard let owner = found.owner else {
                let seenAt = run.startState.first { $0.path == path }?.observedAt
                throw .fromBase(path: path, line: number, text: found.text, baseCommit: run.baseCommit, startStateSeenAt: seenAt)
            }
            index = owner.step
        case .index(let n):
            guard n >= 0, n < run.steps.count else { throw .noSuchSpan("#\(n)", count: run.steps.count) }
            index = n
        case .id(let text):
            index = try spans.find(text)
        }
        let step = run.steps[index]
        let span = spans.span(at: index)
        var turnIndex: Int? = nil
        switch step.kind {
        case .llm:
            turnIndex = index
        case .user:
            prompt = Prompt(place: Place(index: index, span: span, id: step.spanID), text: Self.text(span?.input))
        default:
            call = Self.call(step, span: span, path: line?.path)
            turnIndex = step.turnID.flatMap { spans.index(of: $0) }
        }
        if let turnIndex {
            let turnSpan = spans.span(at: turnIndex)
            let turnStep = run.steps[turnIndex]
            turn = ModelTurn(
                place: Place(index: turnIndex, span: turnSpan, id: turnStep.spanID),
                number: run.steps[...turnIndex].reduce(0) { $0 + ($1.kind == .llm ? 1 : 0) },
                model: turnSpan?.model, usage: turnStep.usage,
                text: turnSpan?.output?["text"]?.stringValue ?? "",
                reasoning: turnSpan?.output?["reasoning"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
                calls: turnSpan?.output?["tool_calls"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
        // The prompt in force and what was seen: in the context of the turn (or of the call
        // when no turn is linked), before it.
        let decision = turnIndex ?? index
        let context = spans.context(of: decision)
        if let agentIndex = context { agent = Place(index: agentIndex, span: spans.span(at: agentIndex), id: run.steps[agentIndex].spanID) }
        if prompt == nil, let p = spans.prompt(before: decision, context: context) {
            prompt = Prompt(place: Place(index: p, span: spans.span(at: p), id: run.steps[p].spanID), text: Self.text(spans.span(at: p)?.input))
        }
        let from = (prompt?.place.index).map { $0 + 1 } ?? (context.map { $0 + 1 } ?? 0)
        seen = step.kind == .user ? [] : Seen.collect(in: from..<decision, context: context, spans: spans, run: run)
    }

    static func call(_ step: Run.Step, span: Span?, path: String?) -> Call {
        let recovered =
            path.flatMap { p in step.recovered.first { $0.path == p } }
            ?? (path == nil ? step.recovered.first : nil)
        return Call(
            place: Place(index: step.index, span: span, id: step.spanID), name: step.name, tool: step.toolName,
            callID: step.callID, verdict: step.verdict, failed: span?.failed ?? false, paths: step.paths,
            shell: span.flatMap(ShellCall.init), commit: step.commit, recoveredFrom: recovered?.observedAt, note: step.note)
    }

    /// A message's or an output's text: a string, the text blocks of an array
    /// (`[{"type": "text", "text": …}]`), an object's `output`, `content` or `text`; any other
    /// JSON as it is written.
    static func text(_ value: JSON?) -> String {
        guard let value else { return "" }
        if let s = value.stringValue { return s }
        if let items = value.arrayValue {
            let texts = items.compactMap { $0.stringValue ?? $0["text"]?.stringValue }
            if texts.count == items.count { return texts.joined(separator: "\n") }
        }
        if value.objectValue != nil {
            for key in ["output", "content", "text", "stdout"] {
                if let inner = value[key], inner.stringValue != nil || inner.arrayValue != nil { return text(inner) }
            }
        }
        return JSONWriter.string(value)
    }
}
