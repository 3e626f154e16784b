import Trace

/// Each agent's tools that replay does not apply, and what they are known to do: the one
/// place to list a tool a new agent version brings (docs/formats.md#tools-replay-does-not-apply
/// says the same). A tool named nowhere here nor replayed by its dialect is not replayable.
enum ToolRoles {
    /// MCP servers that act on remote services, never on the local files (`mcp__<server>__…`).
    static let remoteMCPServers: Set<String> = [
        "linear", "linear-server", "context7", "github", "sentry", "notion", "slack", "atlassian", "exa", "deepwiki",
    ]

    /// The role of an MCP tool named `mcp__<server>__<tool>`, when its server is known.
    static func mcp(_ name: String) -> ToolRole? {
        guard name.hasPrefix("mcp__") else { return nil }
        let rest = name.dropFirst(5)
        guard let end = rest.range(of: "__") else { return nil }
        return remoteMCPServers.contains(String(rest[..<end.lowerBound])) ? .observing : nil
    }

    static let claudeCodeObserving: Set<String> = [
        "Glob", "Grep", "LS", "NotebookRead", "TodoWrite", "TodoRead", "TaskCreate", "TaskUpdate", "TaskList", "TaskGet",
        "TaskOutput", "TaskStop", "BashOutput", "KillShell", "KillBash", "WebFetch", "WebSearch", "AskUserQuestion", "Skill",
        "SlashCommand", "ToolSearch", "EnterPlanMode", "ExitPlanMode", "ListMcpResourcesTool", "ReadMcpResourceTool",
    ]
    /// Subagents: their edits are in transcripts of their own, which this log need not hold.
    static let claudeCodeRunsCode: [String: String] = ["Task": "a subagent", "Agent": "a subagent"]

    static let codexObserving: Set<String> = [
        "update_plan", "view_image", "web_search", "wait", "list_mcp_resources", "list_mcp_resource_templates",
        "read_mcp_resource", "search_code", "extract_code", "list_available_plugins_to_install", "js_add_node_module_dir",
        "_create_issue", "_fetch_pr", "_create_pull_request",
    ]
    static let codexRunsCode: [String: String] = ["js": "JavaScript in a Node REPL", "js_reset": "a Node REPL reset"]

    static let geminiObserving: Set<String> = [
        "read_file", "read_many_files", "list_directory", "glob", "search_file_content", "grep", "google_web_search",
        "web_fetch", "save_memory", "ask_user", "write_todos", "activate_skill",
    ]

    static let sweAgentObserving: Set<String> = [
        "find_file", "search_dir", "search_file", "filemap", "think", "exit_forfeit", "exit_cost", "exit_context",
        "exit_error", "exit_format",
    ]

    static let openHandsObserving: Set<String> = [
        "message", "finish", "think", "browse", "browse_interactive", "recall", "condensation", "condensation_request",
        "system", "change_agent_state", "task_tracking",
    ]
    static let openHandsRunsCode: [String: String] = ["delegate": "a delegated agent"]

    static let openCodeObserving: Set<String> = [
        "read", "glob", "grep", "list", "ls", "webfetch", "websearch", "codesearch", "todowrite", "todoread", "skill",
        "question", "lsp", "lsp_diagnostics", "lsp_hover", "invalid", "plan_enter", "plan_exit",
    ]

    /// The role from a dialect's lists, for the span's tool name.
    static func role(of span: Span, observing: Set<String>, runsCode: [String: String] = [:]) -> ToolRole? {
        guard let name = span.toolName else { return nil }
        if observing.contains(name) { return .observing }
        if let what = runsCode[name] { return .runsCode(what) }
        return mcp(name)
    }
}

extension ClaudeCodeDialect {
    func role(of span: Span) -> ToolRole? {
        ToolRoles.role(of: span, observing: ToolRoles.claudeCodeObserving, runsCode: ToolRoles.claudeCodeRunsCode)
    }
}

extension CodexDialect {
    func role(of span: Span) -> ToolRole? {
        ToolRoles.role(of: span, observing: ToolRoles.codexObserving, runsCode: ToolRoles.codexRunsCode)
    }
}

extension GeminiDialect {
    func role(of span: Span) -> ToolRole? {
        ToolRoles.role(of: span, observing: ToolRoles.geminiObserving)
    }
}

extension SWEAgentDialect {
    func role(of span: Span) -> ToolRole? {
        ToolRoles.role(of: span, observing: ToolRoles.sweAgentObserving)
    }
}

extension OpenCodeDialect {
    func role(of span: Span) -> ToolRole? {
        ToolRoles.role(of: span, observing: ToolRoles.openCodeObserving)
    }
}

extension OpenHandsDialect {
    func role(of span: Span) -> ToolRole? {
        if let action = span.attributes["agentreplay.openhands.action"]?.stringValue {
            if ToolRoles.openHandsObserving.contains(action) { return .observing }
            if let what = ToolRoles.openHandsRunsCode[action] { return .runsCode(what) }
        }
        return ToolRoles.role(of: span, observing: ToolRoles.openHandsObserving, runsCode: ToolRoles.openHandsRunsCode)
    }
}
