import Trace

/// The JSON an agent gives a hook on standard input, reduced to what a recording needs.
///
/// Claude Code and Codex send `session_id`, `transcript_path`, `cwd`, `hook_event_name`,
/// and for a tool's events `tool_name`, `tool_input`, `tool_use_id` and, after it,
/// `tool_response`; Gemini CLI sends `session_id`, `transcript_path`, `cwd`,
/// `hook_event_name` and `timestamp` (docs/hooks.md). Members not named here are ignored.
public struct HookInput: Sendable, Equatable {
    public var sessionID: String
    public var cwd: String
    public var eventName: String?
    public var toolName: String?
    public var toolUseID: String?

    public init(sessionID: String, cwd: String, eventName: String? = nil, toolName: String? = nil, toolUseID: String? = nil) {
        self.sessionID = sessionID
        self.cwd = cwd
        self.eventName = eventName
        self.toolName = toolName
        self.toolUseID = toolUseID
    }

    /// A hook's input that cannot be used, with the member at fault.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var field: String?
        public var message: String
        public var description: String { field.map { "\($0): \(message)" } ?? message }
    }

    /// Reads the input's bytes: a JSON object with at least `session_id` and `cwd` (an
    /// absolute path).
    public init(json bytes: [UInt8]) throws(Failure) {
        let root: JSON
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw Failure(field: nil, message: "the input is not JSON (\(error))")
        }
        guard case .object = root else { throw Failure(field: nil, message: "the input is not a JSON object") }
        func string(_ key: String) throws(Failure) -> String? {
            guard let value = root[key] else { return nil }
            if case .null = value { return nil }
            guard let s = value.stringValue else { throw Failure(field: key, message: "not a string") }
            return s
        }
        guard let session = try string("session_id"), !session.isEmpty else { throw Failure(field: "session_id", message: "missing") }
        guard let cwd = try string("cwd"), cwd.hasPrefix("/") else { throw Failure(field: "cwd", message: "missing or not an absolute path") }
        self.init(
            sessionID: session, cwd: cwd, eventName: try string("hook_event_name"),
            toolName: try string("tool_name"), toolUseID: try string("tool_use_id"))
    }
}
