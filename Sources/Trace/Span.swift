/// One step of a recorded session: a model call, a tool call, a user message, a sub-agent or
/// an event such as a compaction boundary.
///
/// The shape follows OpenTelemetry (ids, parent, kind, times, status, attributes) and the
/// GenAI semantic conventions for attribute names, so a trace exports to OTLP as it is.
public struct Span: Sendable, Equatable {
    /// A span id: 16 lower-case hex digits in traces the project writes, any non-empty string
    /// when read.
    public struct ID: Hashable, Comparable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        public static func < (a: ID, b: ID) -> Bool { a.rawValue < b.rawValue }
    }

    public enum Kind: String, Sendable, CaseIterable {
        /// A model call (`gen_ai.operation.name` = `chat`).
        case llm
        /// A tool call (`execute_tool`).
        case tool
        /// A sub-agent (`invoke_agent`).
        case agent
        /// A message typed by the user.
        case user
        /// Anything else worth keeping on the timeline: compaction, hooks, errors.
        case event
    }

    public enum Status: String, Sendable {
        case unset, ok, error
    }

    public var id: ID
    public var parentID: ID?
    public var kind: Kind
    public var name: String
    public var startTime: Timestamp?
    public var endTime: Timestamp?
    public var status: Status
    /// Attributes by GenAI convention name, kept sorted by name.
    public var attributes: Attributes
    /// Tool spans: the arguments the model passed. User spans: the message.
    public var input: JSON?
    /// Tool spans: the result the model was shown. Model spans: the response
    /// (`{"text": …, "tool_calls": [call ids]}`).
    public var output: JSON?
    /// The recording agent's own structured record of the call (Claude Code's `toolUseResult`,
    /// Codex's `patch_apply_end`, …): before-images, patches, line counts.
    public var details: JSON?
    /// File effects the recorder captured, when it did.
    public var effects: [Effect]
    /// A git tree id the recorder saw after this span, to verify against.
    public var recordedTree: String?

    public init(
        id: ID, parentID: ID? = nil, kind: Kind, name: String,
        startTime: Timestamp? = nil, endTime: Timestamp? = nil, status: Status = .unset,
        attributes: Attributes = Attributes(), input: JSON? = nil, output: JSON? = nil,
        details: JSON? = nil, effects: [Effect] = [], recordedTree: String? = nil
    ) {
        self.id = id
        self.parentID = parentID
        self.kind = kind
        self.name = name
        self.startTime = startTime
        self.endTime = endTime
        self.status = status
        self.attributes = attributes
        self.input = input
        self.output = output
        self.details = details
        self.effects = effects
        self.recordedTree = recordedTree
    }
}

extension Span {
    /// `gen_ai.tool.name`.
    public var toolName: String? { attributes[GenAI.toolName]?.stringValue }
    /// `gen_ai.tool.call.id`.
    public var toolCallID: String? { attributes[GenAI.toolCallID]?.stringValue }
    /// Whether the recorded call failed.
    public var failed: Bool { status == .error }
    /// `gen_ai.request.model` (or the response model when only that was recorded).
    public var model: String? {
        attributes[GenAI.requestModel]?.stringValue ?? attributes[GenAI.responseModel]?.stringValue
    }
    public var usage: Usage { Usage(attributes) }
    /// `gen_ai.usage.reasoning.output_tokens`: of the output tokens, those spent reasoning.
    public var reasoningTokens: Int64 { attributes[GenAI.reasoningTokens]?.intValue ?? 0 }
}

extension Span {
    /// A model turn as the importers make it: kind `llm`, status ok, named `chat MODEL`, the
    /// GenAI conventions' span name for a chat call (`chat model` when the log names none).
    public static func modelTurn(
        id: ID, model: String?, startTime: Timestamp? = nil, endTime: Timestamp? = nil, attributes: Attributes, output: JSON? = nil
    ) -> Span {
        Span(
            id: id, kind: .llm, name: "chat " + (model ?? "model"), startTime: startTime, endTime: endTime, status: .ok,
            attributes: attributes, output: output)
    }
}

/// Attribute names from the OpenTelemetry GenAI semantic conventions, and the project's own
/// (`agentreplay.*`) for what those conventions do not name.
public enum GenAI {
    public static let operationName = "gen_ai.operation.name"
    public static let toolName = "gen_ai.tool.name"
    public static let toolCallID = "gen_ai.tool.call.id"
    public static let requestModel = "gen_ai.request.model"
    public static let responseModel = "gen_ai.response.model"
    public static let responseID = "gen_ai.response.id"
    public static let inputTokens = "gen_ai.usage.input_tokens"
    public static let outputTokens = "gen_ai.usage.output_tokens"
    public static let cacheReadTokens = "gen_ai.usage.cache_read.input_tokens"
    public static let cacheCreationTokens = "gen_ai.usage.cache_creation.input_tokens"
    /// Of the output tokens, those the model spent reasoning (Gemini's thoughts, Codex's
    /// reasoning): always counted in `outputTokens` too, whatever the agent's own log does.
    public static let reasoningTokens = "gen_ai.usage.reasoning.output_tokens"
    /// The part of the cache writes kept an hour (Claude Code's `ephemeral_1h_input_tokens`).
    public static let cacheCreationHourTokens = "agentreplay.usage.cache_creation.1h_input_tokens"
    public static let agentName = "gen_ai.agent.name"
    public static let agentID = "gen_ai.agent.id"
    /// The 1-based line of the source log this span was read from.
    public static let sourceLine = "agentreplay.source.line"
    /// The source log's own id of the record (Claude Code `uuid`, Codex `call_id`, …).
    public static let sourceID = "agentreplay.source.id"
    /// The working directory the recording agent reported for this span, when it differs
    /// from the session's repo root.
    public static let workingDirectory = "agentreplay.cwd"

    // A shell call, in one form whatever the agent (OpenTelemetry's `process.*` names): the
    // importers write them (`ShellCalls`), and readers read nothing else of a shell call.

    /// The command line a shell call ran, as one string (`["bash", "-lc", script]` is the
    /// script).
    public static let processCommandLine = "process.command_line"
    /// The exit code the log records for a shell call (absent when it records none).
    public static let processExitCode = "process.exit.code"
    /// The directory a shell call ran in, as the agent gave it for that call (absolute, or
    /// relative to the repo root), when it named one.
    public static let processWorkingDirectory = "process.working_directory"
    /// How a shell call ended, by its agent's rules (`ShellEnding`): `succeeded`, `failed`,
    /// `never_ran` (refused before it ran), `unknown` (ran, the log does not say how it
    /// ended), `unrecorded` (the agent keeps no exit status). OpenTelemetry has no name for it.
    public static let processEnding = "agentreplay.process.ending"
    /// Why a shell call ended as `processEnding` says (the recorded error, `exit code 2`,
    /// `signal SIGKILL`, `timed out`), when the log says.
    public static let processEndingReason = "agentreplay.process.ending_reason"
}

/// Token counts of a model call.
public struct Usage: Sendable, Equatable {
    public var inputTokens: Int64
    public var outputTokens: Int64
    public var cacheReadTokens: Int64
    public var cacheCreationTokens: Int64

    public init(inputTokens: Int64 = 0, outputTokens: Int64 = 0, cacheReadTokens: Int64 = 0, cacheCreationTokens: Int64 = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadTokens = cacheReadTokens
        self.cacheCreationTokens = cacheCreationTokens
    }

    init(_ attributes: Attributes) {
        self.init(
            inputTokens: attributes[GenAI.inputTokens]?.intValue ?? 0,
            outputTokens: attributes[GenAI.outputTokens]?.intValue ?? 0,
            cacheReadTokens: attributes[GenAI.cacheReadTokens]?.intValue ?? 0,
            cacheCreationTokens: attributes[GenAI.cacheCreationTokens]?.intValue ?? 0
        )
    }

    /// The sum of two usages, each count held at `Int64`'s bounds (`saturatingAdd`): a log
    /// may claim any count.
    public static func + (a: Usage, b: Usage) -> Usage {
        Usage(
            inputTokens: a.inputTokens.saturatingAdd(b.inputTokens), outputTokens: a.outputTokens.saturatingAdd(b.outputTokens),
            cacheReadTokens: a.cacheReadTokens.saturatingAdd(b.cacheReadTokens),
            cacheCreationTokens: a.cacheCreationTokens.saturatingAdd(b.cacheCreationTokens))
    }

    public var total: Int64 {
        inputTokens.saturatingAdd(outputTokens).saturatingAdd(cacheReadTokens).saturatingAdd(cacheCreationTokens)
    }
}
