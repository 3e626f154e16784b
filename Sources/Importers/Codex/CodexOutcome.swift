import Trace

/// Whether a Codex tool call failed, from what the rollout kept of it: `patch_apply_end`'s
/// `success`, `exec_command_end`'s `exit_code`, or the output text the model was shown
/// (`Exit code: N`, `Process exited with code N`, the older `{"output", "metadata":
/// {"exit_code"}}` string, `apply_patch verification failed: …`, `aborted`; a code-mode
/// script's `Script failed`).
enum CodexOutcome {
    static func status(output: JSON?, details: JSON?) -> Span.Status {
        if let success = details?["success"]?.boolValue { return success ? .ok : .error }
        if let code = details?["exit_code"]?.intValue { return code == 0 ? .ok : .error }
        switch output {
        case .array(let blocks)?:
            // Content items (a code-mode script's output): the first text says how it ended.
            return blocks.first?["text"]?.stringValue.map(failed) == true ? .error : .ok
        case .object?:
            if let success = output?["success"]?.boolValue { return success ? .ok : .error }
            return .ok
        case .string(let text)?:
            return failed(text) ? .error : .ok
        default:
            return .ok
        }
    }

    static func failed(_ text: String) -> Bool {
        if text.hasPrefixBytesFirst("apply_patch verification failed") || text.hasPrefixBytesFirst("aborted")
            || text.hasPrefixBytesFirst("Script failed\n")
        {
            return true
        }
        if let code = exitCode(text) { return code != 0 }
        // The older `{"output": …, "metadata": {"exit_code": N}}`: only `metadata` is made (the
        // output, often long, is checked, not copied).
        if text.hasPrefix("{"), let code = JSONParser.member("metadata", ofObjectIn: text)?["exit_code"]?.intValue {
            return code != 0
        }
        return false
    }

    /// The exit code in Codex's output preamble (`Exit code: N` on the first line, or
    /// `Process exited with code N` in unified exec's header).
    static func exitCode(_ text: String) -> Int? {
        let start = text.utf8.withContiguousStorageIfAvailable { Array($0.prefix(400)) } ?? Array(text.utf8.prefix(400))
        let head = start.split(separator: 0x0A, omittingEmptySubsequences: false).prefix(6)
        for bytes in head {
            let trimmed = bytes.last == 0x0D ? bytes.dropLast() : bytes
            // Only a line whose first byte is `O`, `E` or `P` can be `Output:` or start with a
            // marker (no other character is equivalent to those letters): no String for the rest.
            guard let first = trimmed.first, first == UInt8(ascii: "O") || first == UInt8(ascii: "E") || first == UInt8(ascii: "P") else {
                continue
            }
            let line = String(decoding: trimmed, as: UTF8.self)
            if line == "Output:" { break }
            for prefix in ["Exit code: ", "Process exited with code "] where line.hasPrefixBytesFirst(prefix) {
                return Int(line.dropFirst(prefix.count).prefix { $0 == "-" || $0.isNumber })
            }
        }
        return nil
    }

    /// Whether a code-mode script's output says it was still running (`Script running with
    /// cell ID N`): what it does later is recorded after it.
    static func scriptRunning(_ output: JSON?) -> Bool {
        let text = output?.stringValue ?? output?.arrayValue?.first?["text"]?.stringValue
        return text?.hasPrefix("Script running") == true
    }
}
