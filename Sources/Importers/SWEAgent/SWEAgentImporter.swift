import Trace

/// Imports a SWE-agent trajectory (`*.traj`, SWE-agent 1.x and 0.x).
///
/// What it reads: `trajectory[i]`, one model step each: `thought` (else `response`) is the
/// model's text, `action` the command it ran (the shell-quoted line SWE-agent executed, not
/// the `response` it was parsed from), `observation` what it was shown; `history` for the
/// task prompt and, with function calling, the tool call ids; `info` for the agent version,
/// the `submission` (the diff SWE-agent took at the end, `git add -A && git diff --cached`),
/// `exit_status` and `model_stats` (token totals of the whole run); `replay_config` (an
/// object, or a string holding one) for the base commit (`env.repo.base_commit`), the repo
/// root (`/` + `env.repo.repo_name`; else, in 0.x files, the `working_dir` of the first step's
/// `state`, where SWE-agent started in the repository; else `/testbed`) and the model name.
/// A step's `state` (0.x: the shell's directory and open file before the action) becomes the
/// tool span's `agentreplay.cwd` and `agentreplay.swe_agent.open_file`.
///
/// Each step becomes an `llm` span and, when it has an action, a `tool` span under it:
/// `str_replace_editor` with its arguments parsed, one of 0.x's windowed commands (`open`,
/// `edit`, … by name: `SWEAgentWindowedAction`), `submit`, or `bash` for every other command. The last `submit` carries the submission as `details` (a `submit` span is added
/// at the end when the run was submitted without one), which replay checks the final tree
/// against.
public struct SWEAgentImporter: LogImporter {
    public static let format = SourceFormat.sweAgent
    public let source: Importer.Source
    public init(source: Importer.Source) { self.source = source }

    public func read() throws(TraceError) -> Trace {
        let document = try SWEAgentDocument(path: path, displayName: displayName)
        func line(_ member: String) -> Int { document.memberLines[member] ?? 1 }
        let top = try FieldDecoder(document.root, file: displayName, line: 1)
        guard let steps = try top.optionalArray("trajectory") else {
            throw top.error("trajectory", "missing: not a SWE-agent trajectory")
        }
        var info: FieldDecoder?
        if let value = top["info"] { info = try FieldDecoder(value, file: displayName, line: line("info"), path: "info") }
        let config = try replayConfig(top, line: line("replay_config"))
        let repo = try config?.optionalObject("env")?.optionalObject("repo")
        var baseCommit: String?
        if let commit = try repo?.optionalString("base_commit"), Self.isCommitID(commit) { baseCommit = commit }
        let repoName = try repo?.optionalString("repo_name")
        let model = try config?.optionalObject("agent")?.optionalObject("model")?.optionalString("name")

        // 0.x records the state before each action; 1.x's is another shape, after it.
        let version = try info?.optionalString("swe_agent_version")
        let zeroX = version.map { $0.hasPrefix("0.") } ?? true
        var ids = StableID()
        var spans: [Span] = []
        let history = try SWEAgentHistory(top, file: displayName, line: line("history"))
        if let task = history.task {
            spans.append(
                Span(
                    id: ids.span("task"), kind: .user, name: "user", status: .ok,
                    attributes: Attributes([(GenAI.sourceLine, .number(task.line)), (GenAI.sourceID, .string(task.id))]),
                    input: .string(task.text)))
        }
        var lastSubmit: Int?
        for (i, value) in steps.enumerated() {
            let stepLine = i < document.stepLines.count ? document.stepLines[i] : line("trajectory")
            let step = try FieldDecoder(value, file: displayName, line: stepLine, path: "trajectory[\(i)]")
            let sourceID = "trajectory[\(i)]"
            let action = try step.optionalString("action") ?? ""
            let observation = try step.optionalString("observation")
            var text = try step.optionalString("thought") ?? ""
            if text.isEmpty { text = try step.optionalString("response") ?? "" }
            let callID = history.callID(forStep: i, action: action) ?? sourceID
            let state = zeroX ? SWEAgentState(step["state"]) : nil
            let hasCall = !action.allSatisfy { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
            var turnAttributes = Attributes([
                (GenAI.operationName, .string("chat")), (GenAI.sourceLine, .number(stepLine)), (GenAI.sourceID, .string(sourceID)),
            ])
            if let model { turnAttributes[GenAI.requestModel] = .string(model) }
            let turnID = ids.span("turn:" + sourceID)
            spans.append(
                Span.modelTurn(
                    id: turnID, model: model, attributes: turnAttributes,
                    output: .object([("text", .string(text)), ("tool_calls", .array(hasCall ? [.string(callID)] : []))])))
            guard hasCall else { continue }

            var attributes = Attributes([
                (GenAI.operationName, .string("execute_tool")), (GenAI.toolCallID, .string(callID)),
                (GenAI.sourceLine, .number(stepLine)), (GenAI.sourceID, .string(sourceID)),
            ])
            let name: String
            let input: JSON
            var status = Span.Status.ok
            switch SWEAgentAction.parse(action) {
            case .editor(let arguments):
                name = "str_replace_editor"
                input = .object(arguments)
                if let observation, SWEAgentImporter.editorFailed(observation) { status = .error }
            case .editorUsageError(let message):
                name = "str_replace_editor"
                input = .object([("action", .string(action))])
                attributes["agentreplay.parse_error"] = .string(message)
                status = .error
            case .windowed(let command, let arguments):
                name = command
                input = arguments
                if let observation, SWEAgentImporter.windowedFailed(command, observation) { status = .error }
            case .submit:
                name = "submit"
                input = .object([])
                lastSubmit = spans.count
            case .shell:
                name = "bash"
                input = .object([("command", .string(action))])
            }
            if let state {
                if let directory = state.workingDirectory { attributes[GenAI.workingDirectory] = .string(directory) }
                if let file = state.openFile { attributes[SWEAgentState.openFileAttribute] = .string(file) }
            }
            attributes[GenAI.toolName] = .string(name)
            spans.append(
                Span(
                    id: ids.span("call:" + sourceID), parentID: turnID, kind: .tool, name: name, status: status,
                    attributes: attributes, input: input, output: observation.map(JSON.string)))
        }

        if let info {
            let submission = info["submission"]
            if let submission, submission.stringValue == nil {
                throw info.error("submission", "expected a string, found \(submission.typeDescription)")
            }
            var record: [(String, JSON)] = []
            if let submission { record.append(("submission", submission)) }
            if let status = try info.optionalString("exit_status") { record.append(("exit_status", .string(status))) }
            if submission != nil {
                if let at = lastSubmit {
                    spans[at].details = .object(record)
                } else {
                    spans.append(
                        Span(
                            id: ids.span("info.submission"), kind: .tool, name: "submit", status: .ok,
                            attributes: Attributes([
                                (GenAI.operationName, .string("execute_tool")), (GenAI.toolName, .string("submit")),
                                (GenAI.toolCallID, .string("info.submission")), (GenAI.sourceLine, .number(info.line)),
                                (GenAI.sourceID, .string("info.submission")), ("agentreplay.synthetic", .bool(true)),
                            ]),
                            input: .object([]), details: .object(record)))
                }
            }
            if let stats = try info.optionalObject("model_stats") {
                var attributes = Attributes([(GenAI.sourceLine, .number(info.line)), (GenAI.sourceID, .string("info.model_stats"))])
                if let sent = try stats.optionalInt("tokens_sent") { attributes[GenAI.inputTokens] = .number(sent) }
                if let received = try stats.optionalInt("tokens_received") { attributes[GenAI.outputTokens] = .number(received) }
                if let calls = try stats.optionalInt("api_calls") { attributes["agentreplay.usage.api_calls"] = .number(calls) }
                if let cost = stats["instance_cost"], case .number = cost { attributes["agentreplay.usage.cost"] = cost }
                spans.append(
                    Span(
                        id: ids.span("info.model_stats"), kind: .event, name: "model usage (whole run)", status: .ok,
                        attributes: attributes, output: .object(stats.members)))
            }
        }

        let header = self.header(
            traceID: StableID.trace("swe-agent:" + StableID.hex(StableID.fnv1a(String(decoding: document.bytes, as: UTF8.self)))),
            agent: .sweAgent, version: version,
            root: repoName.map { "/" + $0 } ?? (zeroX ? SWEAgentState(steps.first?["state"])?.workingDirectory : nil) ?? "/testbed",
            baseCommit: baseCommit)
        return Trace(header: header, spans: spans)
    }

    /// `replay_config`: an object, or (as SWE-agent 1.x writes it) a string holding one.
    func replayConfig(_ top: FieldDecoder, line: Int) throws(TraceError) -> FieldDecoder? {
        guard let value = top["replay_config"] else { return nil }
        switch value {
        case .object:
            return try FieldDecoder(value, file: displayName, line: line, path: "replay_config")
        case .string(let text):
            let parsed: JSON
            do {
                parsed = try JSONParser.parse(text)
            } catch {
                throw TraceError(file: displayName, line: line, field: "replay_config", message: "a string that is not valid JSON: \(error)")
            }
            return try FieldDecoder(parsed, file: displayName, line: line, path: "replay_config")
        default:
            throw TraceError(
                file: displayName, line: line, field: "replay_config", message: "expected an object or a string, found \(value.typeDescription)")
        }
    }

    static func isCommitID(_ s: String) -> Bool {
        s.utf8.count == 40 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The messages `str_replace_editor` prints when it refuses or fails (it prints them on
    /// standard output and exits non-zero; the trajectory keeps only the text).
    static let editorFailures = [
        "No replacement was performed", "File already exists at:", "Invalid `view_range`", "Invalid `insert_line`",
        "The `view_range` parameter is not allowed", "Parameter `", "Unrecognized command", "The parent directory",
        "No edit history found", "Ran into ", "usage: str_replace_editor", "str_replace_editor: error:",
    ]

    /// Whether a windowed command's observation says it refused or was undone: `edit`'s usage
    /// errors, no open file, the linter's revert; `create` of a path that exists.
    static func windowedFailed(_ command: String, _ observation: String) -> Bool {
        let text = observation.drop { $0 == " " || $0 == "\n" || $0 == "\r" }
        switch command {
        case "edit":
            return ["Your proposed edit has introduced new syntax error(s)", "No file open.", "Usage: edit"].contains { text.hasPrefix($0) }
        case "create":
            return text.hasPrefix("Error: File '") || text.hasPrefix("Usage: create")
        default:
            return false
        }
    }

    static func editorFailed(_ observation: String) -> Bool {
        let text = observation.drop { $0 == " " || $0 == "\n" || $0 == "\r" }
        if editorFailures.contains(where: { text.hasPrefix($0) }) { return true }
        // "The path … is not an absolute path" / "does not exist" / "is a directory and only …"
        if text.hasPrefix("The path "), let bytes = text.utf8.split(separator: 0x0A).first {
            let firstLine = String(decoding: bytes, as: UTF8.self)
            return firstLine.contains(" is not an absolute path") || firstLine.contains(" does not exist")
                || firstLine.contains(" is a directory and only the `view` command")
        }
        return false
    }
}

/// What the importer takes from `history`: the task prompt, and the tool call ids of the
/// model's actions when it called tools by function calling.
struct SWEAgentHistory {
    var task: (text: String, line: Int, id: String)?
    /// The actions of the assistant messages, in order, with their first tool call id.
    var actions: [(action: String, callID: String?)] = []

    init(_ top: FieldDecoder, file: String, line: Int) throws(TraceError) {
        guard let history = try top.optionalArray("history") else { return }
        for (i, value) in history.enumerated() {
            let message = try top.element(value, i, of: "history")
            let role = try message.optionalString("role")
            if task == nil, role == "user", let text = try Self.text(message), !text.isEmpty {
                task = (text, line, "history[\(i)]")
            }
            guard role == "assistant", let action = try message.optionalString("action") else { continue }
            var callID: String?
            if let calls = message["tool_calls"]?.arrayValue, let first = calls.first, let id = first["id"]?.stringValue, !id.isEmpty {
                callID = id
            }
            actions.append((action, callID))
        }
    }

    static func text(_ message: FieldDecoder) throws(TraceError) -> String? {
        guard let content = message["content"] else { return nil }
        if let s = content.stringValue { return s }
        guard let blocks = content.arrayValue else { return nil }
        return blocks.compactMap { $0["text"]?.stringValue }.joined()
    }

    /// The tool call id of the `step`-th step, when the history has it and the actions agree.
    func callID(forStep step: Int, action: String) -> String? {
        guard step < actions.count, actions[step].action == action else { return nil }
        return actions[step].callID
    }
}
