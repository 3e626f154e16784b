import Trace

/// What Claude Code records about a call's permission, as the trace's canonical attributes
/// (`Permission`): the `permissionMode` in force, the `PreToolUse` hooks that ran, and the
/// decision a refused call's result states.
///
/// Claude Code writes a refusal as the call's (failed) result text:
/// - "The user doesn't want to proceed with this tool use…" or "…take this action right now":
///   the user said no at the prompt;
/// - "Permission for this tool use was denied…": a permission rule (or, with "The user
///   said:", the user) refused it;
/// - "PreToolUse:Bash hook error: …", "…hook blocking error…", "Hook PreToolUse:Bash denied
///   this tool": a hook refused it;
/// - "[Request interrupted by user for tool use]": the user stopped it.
enum ClaudeCodePermission {
    static func annotate(_ attributes: inout Attributes, mode: String?, hooks: [String], output: JSON?, failed: Bool) {
        if let mode { attributes[Permission.mode] = .string(mode) }
        if !hooks.isEmpty { attributes[Permission.hooks] = .array(hooks.map(JSON.string)) }
        guard let text = resultHead(output), let (decision, by) = decision(text, failed: failed) else { return }
        attributes[Permission.decision] = .string(decision.rawValue)
        attributes[Permission.decidedBy] = .string(by)
    }

    /// The decision a result's text states, and who made it.
    static func decision(_ text: String, failed: Bool) -> (Permission.Decision, String)? {
        // The first 400 bytes (not characters: counting those walks the text's graphemes).
        let cut = text.utf8.index(text.utf8.startIndex, offsetBy: 400, limitedBy: text.utf8.endIndex) ?? text.utf8.endIndex
        let head = text[..<cut]
        // Every result is asked this: a byte search, not Foundation's (which bridges the text
        // to an NSString: 8% of a Claude Code log's import).
        if has(head, "[Request interrupted by user for tool use]") { return (.cancelled, "user") }
        guard failed else { return nil }
        if head.hasPrefix("The user doesn't want to proceed with this tool use")
            || head.hasPrefix("The user doesn't want to take this action right now")
        {
            return (.deniedByUser, "user")
        }
        if head.hasPrefix("Permission for this tool use was denied") {
            return head.contains("The user said:") ? (.deniedByUser, "user") : (.deniedByPolicy, "permission rules")
        }
        if let hook = hookName(head),
            head.contains("hook error") || head.contains("blocking error") || head.contains("denied this tool") || head.contains("blocked")
        {
            return (.blockedByHook, "hook " + hook)
        }
        return nil
    }

    /// Whether `needle` occurs in `text`, compared byte by byte.
    static func has(_ text: Substring, _ needle: StaticString) -> Bool {
        let n = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let first = n.first else { return true }
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= n.count else { return false }
            for i in 0...(bytes.count - n.count) where bytes[i] == first {
                var j = 1
                while j < n.count, bytes[i + j] == n[j] { j += 1 }
                if j == n.count { return true }
            }
            return false
        }
    }

    /// `PreToolUse:Name`, the first word of the text that names one.
    static func hookName(_ text: Substring) -> String? {
        guard let start = text.range(of: "PreToolUse:") else { return nil }
        let name = text[start.lowerBound...].prefix { !$0.isWhitespace && $0 != "]" && $0 != "," }
        return String(name)
    }

    /// The start of a result's text (what `decision` reads): the string, or its text blocks
    /// joined until there are 400 bytes, so a long result is not copied whole.
    static func resultHead(_ output: JSON?) -> String? {
        guard let output else { return nil }
        if let s = output.stringValue { return s }
        var head: String?
        for block in output.arrayValue ?? [] {
            guard let text = block["text"]?.stringValue else { continue }
            head = head.map { $0 + "\n" + text } ?? text
            if head!.utf8.count >= 400 { break }
        }
        return head
    }
}
