import Trace

/// The tool calls a Codex code-mode script (the JavaScript of an `exec` call) makes, for
/// readers that ask what it did without replaying it (`audit`): `CodexScript`'s own reading,
/// so what replay refuses to guess is refused here too.
public enum CodexScriptInspection {
    /// The calls of file-changing tools (`exec_command`, `apply_patch`, …) the script makes,
    /// in order, each with its argument; nil when the script is not one the reading follows.
    public static func calls(_ source: String) -> [(tool: String, argument: JSON)]? {
        guard let calls = try? CodexScript.calls(source) else { return nil }
        return calls.map { ($0.tool, $0.argument) }
    }
}
