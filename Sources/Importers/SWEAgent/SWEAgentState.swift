import Trace

/// A SWE-agent 0.x step's `state`: what its `state` command printed before the action ran,
/// `{"open_file": "/repo/x.py" or "n/a", "working_dir": "/repo"}`, kept as a string holding
/// JSON (an object is read too). Anything else reads as nil.
public struct SWEAgentState: Equatable {
    /// The tool span attribute holding the file open in the window before the call ("n/a":
    /// none).
    public static let openFileAttribute = "agentreplay.swe_agent.open_file"

    public var workingDirectory: String?
    public var openFile: String?

    init?(_ value: JSON?) {
        var object = value
        if let text = value?.stringValue {
            guard text.hasPrefix("{"), let parsed = try? JSONParser.parse(text) else { return nil }
            object = parsed
        }
        guard case .object = object else { return nil }
        workingDirectory = object?["working_dir"]?.stringValue.flatMap { $0.hasPrefix("/") ? $0 : nil }
        openFile = object?["open_file"]?.stringValue
        if workingDirectory == nil && openFile == nil { return nil }
    }
}
