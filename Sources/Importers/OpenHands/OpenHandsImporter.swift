import Trace

/// Imports an OpenHands event stream: the JSON list of events OpenHands saves as a
/// trajectory (`save_trajectory_path`, the GUI's "download trajectory", the `tests/runtime/trajs`
/// files), or an object that holds that list as `history` (an evaluation's `output.jsonl` line).
///
/// What it reads, event by event (`event_to_dict`: `id`, `timestamp`, `source`, `message`,
/// `action` + `args` or `observation` + `content` + `extras`, `cause`, `tool_call_metadata`):
///
/// - a user `message` action is a `user` span; an agent `message` without a model response is
///   an `llm` span with its text;
/// - `tool_call_metadata.model_response` (the LiteLLM response that decided the action) is one
///   `llm` span per response id: model, text, the tool call ids, usage (counted once per
///   response, however many actions it made);
/// - every other agent action is a tool call. Its observation (`cause` = the action's `id`)
///   makes the `tool` span, placed where the observation came: `input` is the action's
///   `args` (for the editor, the model's own arguments when `args` lacks the `command`, as
///   in early 2025), `output` the observation's `content`, `details` its `extras`
///   (`old_content`, `new_content`, `diff`, `prev_exist`, exit codes). Runnable actions never
///   observed become `unset` spans at the end; others (`finish`, `reject`) are left out;
/// - a `condensation` action is a `compaction` event; an `error` observation no action
///   caused is an `error` event; `system`, `recall`, `agent_state_changed` and the like are left out.
public struct OpenHandsImporter: LogImporter {
    public static let format = SourceFormat.openHands
    public let source: Importer.Source
    public init(source: Importer.Source) { self.source = source }

    /// Where OpenHands mounts the workspace in its sandbox, the default repo root.
    public static let defaultRoot = "/workspace"

    public func read() throws(TraceError) -> Trace {
        let document = try LocatedJSON(path: path, displayName: displayName)
        let events: [JSON]
        let lines: [Int]
        let prefix: String
        switch document.root {
        case .array(let list):
            events = list
            lines = document.elementLines(at: document.rootOffset, count: list.count)
            prefix = ""
        case .object:
            let top = try FieldDecoder(document.root, file: displayName, line: document.line(of: document.rootOffset))
            guard let list = try top.optionalArray("history") else {
                throw top.error("history", "missing: not an OpenHands event stream (a JSON list of events, or an object holding it as `history`)")
            }
            events = list
            lines = document.elementLines(at: document.member("history", at: document.rootOffset), count: list.count)
            prefix = "history"
        default:
            throw TraceError(file: displayName, line: 1, message: "expected a JSON list of OpenHands events, found \(document.root.typeDescription)")
        }
        var stream = OpenHandsStream(file: displayName)
        for (i, event) in events.enumerated() {
            try stream.read(event, index: i, line: lines[i], path: "\(prefix)[\(i)]")
        }
        let header = self.header(
            traceID: StableID.trace("openhands:" + StableID.hex(StableID.fnv1a(String(decoding: document.bytes, as: UTF8.self)))),
            agent: .openHands, root: Self.defaultRoot)
        return Trace(header: header, spans: stream.finish())
    }

    /// An ISO 8601 time as OpenHands writes it (`datetime.isoformat()`, usually without a
    /// zone: read as UTC, and written back with `Z`).
    static func timestamp(_ d: FieldDecoder, _ key: String) throws(TraceError) -> Timestamp? {
        guard let text = try d.optionalString(key) else { return nil }
        if let t = Timestamp(rfc3339: text) ?? Timestamp(rfc3339: text + "Z") { return t }
        throw d.error(key, "not an ISO 8601 time: \"\(text.prefix(40))\"")
    }
}
