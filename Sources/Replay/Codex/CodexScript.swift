import Trace

/// What a Codex code-mode script (the JavaScript of an `exec` call) asks its tools to do to the
/// files, read without running it.
///
/// A script reaches the session's tools only through the global `tools`: `tools.NAME(args)`.
/// Tools that cannot change the repository's files (those `ToolRoles` lists for Codex, web
/// browsing, ChatGPT's remote connectors) may be called anywhere, any way. A tool that can (`apply_patch`, `exec_command`, `write_stdin`, `shell`, …) is
/// replayed only when the reading is certain: a top-level statement that runs it once, in
/// order, awaited (`const r = await tools.exec_command({…})`, `text(await
/// tools.apply_patch(patch))`), its argument a literal: strings, template strings whose
/// `${…}` name string constants, numbers, booleans, null, arrays and objects of those, and
/// constants bound to strings earlier (`const patch = "…"`). Calls started together are read
/// as a group: the elements of an array of calls (`await Promise.all([tools.…(…), …])`), or
/// one call per element of a constant array of strings (`await Promise.all(cmds.map(cmd =>
/// tools.exec_command({cmd})))`); replay refuses a group whose calls both change files, their
/// order being unknown. Anything else that could call
/// such a tool (an unknown tool, `tools[name]`, a call in a loop, a condition, a callback, a
/// `Promise.all`, after a `return`; `eval`, `Function`, `globalThis`, `constructor`) makes
/// the script unreadable: replay reports it and never guesses.
enum CodexScript {
    /// A call of a tool that may change files, in the order the script makes it.
    struct Call: Equatable {
        var tool: String
        var argument: JSON
        /// Calls with the same group started together (`Promise.all([…])`, `[tools.…(…), …]`,
        /// `Promise.all(list.map(x => tools.…(…)))`): they ran at the same time.
        var group: Int? = nil
    }

    /// Tools a script may call in any way besides those `ToolRoles` lists for Codex (a
    /// script names an MCP tool `mcp__<server>__<tool>`; the `<tool>` is looked up there too):
    /// none can change the repository's files.
    static let readOnly: Set<String> = ["web__run"]
    /// ChatGPT's connectors run on OpenAI's side: they can reach GitHub, never the local files.
    static let readOnlyPrefixes = ["mcp__codex_apps__"]
    /// Tools that may change files, which replay knows how to replay.
    static let replayable: Set<String> = [
        "apply_patch", "exec_command", "write_stdin", "shell", "shell_command", "local_shell", "unified_exec",
    ]
    /// Names through which a script could reach `tools` (or run code) without naming it.
    static let forbidden: Set<String> = [
        "eval", "Function", "AsyncFunction", "globalThis", "this", "self", "window", "global", "Reflect", "Proxy",
        "import", "require", "constructor", "__proto__", "prototype", "with", "setTimeout", "setInterval",
        "WebAssembly", "Worker", "arguments",
    ]
    /// Functions a tool call's result may be handed to directly (`text(await tools.…(…))`).
    static let outputHelpers: Set<String> = ["text", "console.log", "console.error", "console.info", "JSON.stringify", "String"]

    static func isReadOnly(_ tool: String) -> Bool {
        if ToolRoles.codexObserving.contains(tool) || readOnly.contains(tool) || readOnlyPrefixes.contains(where: tool.hasPrefix) {
            return true
        }
        if ToolRoles.mcp(tool) == .observing { return true }
        // `mcp__probe__search_code` is the `search_code` of the server `probe`.
        guard tool.hasPrefix("mcp__"), let end = tool.dropFirst(5).range(of: "__") else { return false }
        return ToolRoles.codexObserving.contains(String(tool[end.upperBound...]))
    }

    /// The calls of file-changing tools `source` makes, in order; throws when the script could
    /// call one in a way this reading cannot follow.
    static func calls(_ source: String) throws(Unreadable) -> [Call] {
        let tokens = try tokenize(source)
        try screen(tokens)
        var reader = Reader(tokens: tokens)
        return try reader.read()
    }

    /// Rejects names that reach code or the global object indirectly, anywhere in the script.
    static func screen(_ tokens: [Token]) throws(Unreadable) {
        for (n, token) in tokens.enumerated() {
            switch token.kind {
            case .word(let w) where forbidden.contains(w):
                // `x.this`-like property names are still names a script could misuse; only a
                // property literally called after a dot is fine when it is not `constructor`.
                if n > 0, tokens[n - 1].isPunct("."), w != "constructor", w != "__proto__", w != "prototype" { continue }
                throw Unreadable(reason: "the script uses `\(w)`, through which it could run code replay cannot see")
            case .string(let s) where forbidden.contains(s) || s == "tools":
                throw Unreadable(reason: "the script names \"\(s)\" in a string")
            case .template(let parts, let substitutions):
                if let s = parts.first, parts.count == 1, forbidden.contains(s) || s == "tools" {
                    throw Unreadable(reason: "the script names `\(s)` in a string")
                }
                for inner in substitutions { try screen(inner) }
            default:
                continue
            }
        }
    }
}
