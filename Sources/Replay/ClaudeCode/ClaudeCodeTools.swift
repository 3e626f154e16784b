import Trace

/// What replay knows of Claude Code beyond its tools' semantics: the errors that show a call
/// never ran, and the agent's own folder, whose files are its notes rather than the
/// repository's. (The tools that cannot change a file are listed with every agent's in
/// `ToolRoles`.)
enum ClaudeCodeTools {
    /// Errors Claude Code records for a call it never ran: cancelled because a parallel sibling
    /// call failed, its input refused by the tool's schema or by a guard, or declined by the
    /// person. Nothing was written; replay need not (and cannot) reproduce them. (The list is
    /// `ShellEnding`'s, which a shell call's ending is decided by at import.)
    static func neverRan(_ message: String) -> Bool { ShellEnding.claudeCodeNeverRan(message) }

    /// Whether `recorded`, a path outside the repository, lies in Claude Code's own folder
    /// (`~/.claude`: plans, memory, to-dos, its session logs): the agent's notes, listed
    /// but never part of the repository's history. The home is told by its shape
    /// (`/Users/<name>`, `/home/<name>`, `/root`, `C:\Users\<name>`, `~`).
    static func isAgentNotes(_ recorded: String) -> Bool {
        let parts = recorded.split(whereSeparator: { $0 == "/" || $0 == "\\" }).map(String.init)
        guard let dot = parts.firstIndex(of: ".claude"), dot + 1 < parts.count else { return false }
        let home = Array(parts[..<dot])
        switch home.count {
        case 1: return home[0] == "~" || home[0] == "root"
        case 2: return home[0] == "Users" || home[0] == "home"
        case 3: return home[0].hasSuffix(":") && home[1].lowercased() == "users"
        default: return false
        }
    }
}
