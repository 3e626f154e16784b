import Trace

/// SWE-agent 0.x's windowed commands (`config/commands/defaults.sh`, `search.sh`,
/// `edit_linting.sh`: bash functions) read from an action line as SWE-agent runs it.
///
/// A one-line action whose first word is one of `commands` is that function called with the
/// shell's words as its arguments (`open "a b.py" 20` → `["a b.py", "20"]`). `edit` is
/// SWE-agent's one multi-line command: `edit N:M`, the replacement lines, and a line
/// `end_of_edit`; SWE-agent matches it with `^\s*(edit)\s*(.*?)^(end_of_edit)\s*$` and sends
/// it to bash as a heredoc (`edit N:M << 'end_of_edit'`), so the function reads the lines
/// between as they are (no expansion, white space kept).
///
/// An action that is more than one such call (two lines, `&&`, expansions) is a shell command;
/// an `edit` whose shape bash would read differently from the lines (no `end_of_edit`, text
/// after it, a terminator with trailing blanks, a carriage return) keeps a `problem`.
enum SWEAgentWindowedAction {
    static let commands: Set<String> = [
        "open", "goto", "scroll_up", "scroll_down", "create", "edit", "search_file", "search_dir", "find_file",
    ]

    /// The tool name and input (`arguments`, and `text` for `edit`; `problem` when the shape
    /// cannot be read as bash would), or nil when the action is not one windowed command.
    static func parse(_ action: String) -> (name: String, input: JSON)? {
        let lines = action.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { !$0.allSatisfy(\.isWhitespace) }) else { return nil }
        let first = lines[start]
        let name = first.drop { $0 == " " || $0 == "\t" }.prefix { $0 != " " && $0 != "\t" }
        guard commands.contains(String(name)) else { return nil }
        let rest = lines[(start + 1)...]
        if name != "edit" {
            guard rest.allSatisfy({ $0.allSatisfy(\.isWhitespace) }), let words = ShellWords.split(first) else { return nil }
            return (String(name), .object([("arguments", .array(words.dropFirst().map(JSON.string)))]))
        }
        func problem(_ why: String) -> (String, JSON) {
            ("edit", .object([("action", .string(action)), ("problem", .string(why))]))
        }
        if action.unicodeScalars.contains("\r") { return problem("a carriage return in the action: bash reads it as part of a word or line") }
        // SWE-agent's pattern: the first line that is `end_of_edit` followed only by white space.
        guard let end = rest.firstIndex(where: { $0.hasPrefix("end_of_edit") && $0.dropFirst(11).allSatisfy(\.isWhitespace) }) else {
            return problem("no line `end_of_edit`: bash reads the replacement from its own input")
        }
        guard lines[end] == "end_of_edit" else { return problem("`end_of_edit` with trailing blanks does not end bash's heredoc") }
        guard lines[(end + 1)...].allSatisfy({ $0.allSatisfy(\.isWhitespace) }) else { return nil }
        var head = first
        for guardText in [" << 'end_of_edit'", "<< 'end_of_edit'"] where head.hasSuffix(guardText) {
            head.removeLast(guardText.count)
            break
        }
        guard let words = ShellWords.split(head) else { return nil }
        let body = lines[(start + 1)..<end]
        let text = body.isEmpty ? "" : body.joined(separator: "\n") + "\n"
        if text.unicodeScalars.contains("\0") { return problem("a NUL byte in the replacement text") }
        return ("edit", .object([("arguments", .array(words.dropFirst().map(JSON.string))), ("text", .string(text))]))
    }
}
