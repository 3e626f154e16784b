import Git
import ToolSemantics
import Trace

/// Gemini CLI's tools: `replace` (`GeminiEdit`) and `write_file` are applied; their recorded
/// `resultDisplay` (`originalContent`, `newContent`) is checked against the file replay held
/// before and wrote; `run_shell_command`'s plain file effects are replayed when its recorded
/// exit code is 0, and anything else it may have changed flagged (`ShellReplay.gemini`);
/// `read_file`'s whole reads are checked against the replayed file (`GeminiRead`); every
/// other tool is served. Paths may be relative: to the folder the session ran in, which
/// `GeminiPlacement` places in the repository. A call the user cancelled did not run.
struct GeminiDialect: ToolDialect {
    /// `run_shell_command`: each call runs in a new shell.
    let shell = ShellReplay()
    /// Which folder of the repository the session ran in, decided at its first call.
    let placement = GeminiPlacement()

    func replay(_ span: Span, in context: ReplayContext) throws -> Outcome? {
        try placement.see(span, context)
        let (span, context) = placement.place(span, context)
        switch span.toolName {
        case "replace", "write_file":
            if span.attributes["agentreplay.gemini.status"]?.stringValue == "cancelled" {
                return Outcome(verdict: .failedAsRecorded, note: "cancelled: the call did not run")
            }
            var outcome = span.toolName == "replace" ? try replace(span, context) : try writeFile(span, context)
            // With no project root found (no candidate path hashes to the log's projectHash), a
            // relative path is taken from the repository's top: the session may have run in a
            // folder of it, and its file landed there instead.
            if context.header.repoRoot == nil, outcome.verdict == .applied, let file = string(span, "file_path"), !file.hasPrefix("/") {
                let line = "the log does not say which directory the session ran in: \(file) is taken from the repository's top"
                outcome.note.appendClause(line)
                outcome.unseenEffects = true
            }
            return outcome
        case "run_shell_command":
            return try shell.gemini(span, context)
        case "read_file":
            return try GeminiRead.check(span, context)
        default:
            return nil
        }
    }

    func string(_ span: Span, _ key: String) -> String? { span.input?[key]?.stringValue }

    func conclude(steps: [Run.Step], base: ObjectID, in repository: Repository) throws -> DialectConclusion? {
        try placement.conclude(steps: steps, base: base, in: repository)
    }

    enum Target {
        case path(RepoPath, file: String)
        /// The call's path cannot be used: this is its outcome.
        case settled(Outcome)
    }

    /// The path a call names, or the outcome when it cannot be used.
    func target(_ span: Span, _ context: ReplayContext) throws -> Target {
        guard let file = string(span, "file_path") else {
            return .settled(
                Outcome(
                    verdict: span.status == .error ? .failedAsRecorded : .mismatch,
                    note: span.status == .error ? ReplayContext.recordedError(span) : "input has no file_path"))
        }
        switch context.map(file, span: span) {
        case .failure(let refusal): return .settled(context.refusal(refusal, span: span))
        case .success(let path):
            if let refused = try context.refusalToWrite(path, span: span) { return .settled(refused) }
            return .path(path, file: file)
        }
    }

    func replace(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        let (path, file): (RepoPath, String)
        switch try target(span, context) {
        case .settled(let outcome): return outcome
        case .path(let p, let f): (path, file) = (p, f)
        }
        guard let old = string(span, "old_string"), let new = string(span, "new_string") else {
            return try context.settle(.failure("input lacks old_string or new_string"), path: path, span: span)
        }
        var drift: [Drift] = []
        if span.status == .ok, let observed = originalContent(span) {
            drift += try context.reconcile(path, observed: observed, kind: .beforeImage)
        }
        let current = try context.workspace.read(path)
        let expected = span.input?["expected_replacements"]?.intValue ?? 1
        let edit: FileEdit
        if try context.workspace.entry(path) == .directory {
            edit = .failure("Path is a directory, not a file: \(file)")
        } else {
            edit = try GeminiEdit.apply(to: current, old: old, new: new, expected: expected, path: file)
        }
        var outcome = try context.settle(edit, path: path, span: span)
        if outcome.verdict == .mismatch, span.status == .ok, case .failure(let reason) = edit, reason.contains("occurrence") {
            outcome.note =
                "recorded as done, but on replay: \(reason) (Gemini CLI may have had a model correct old_string; the log keeps only the call's own)"
        }
        if outcome.verdict == .applied, drift.isEmpty, case .write(let bytes) = edit {
            drift += afterImage(span, written: bytes, path: path, context)
        }
        outcome.drift += drift
        return outcome
    }

    func writeFile(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        let path: RepoPath
        switch try target(span, context) {
        case .settled(let outcome): return outcome
        case .path(let p, _): path = p
        }
        guard let content = string(span, "content") else {
            return try context.settle(.failure("input lacks content"), path: path, span: span)
        }
        var drift: [Drift] = []
        if span.status == .ok {
            let result = span.output?.stringValue ?? ""
            if let observed = originalContent(span), !(observed == [] && result.hasPrefix("Successfully created")) {
                drift += try context.reconcile(path, observed: observed, kind: .beforeImage)
            } else if result.hasPrefix("Successfully created and wrote to new file") {
                drift += try context.reconcile(path, observed: nil, kind: .existence)
            } else if result.hasPrefix("Successfully overwrote file"), try context.workspace.read(path) == nil {
                drift.append(context.missing(path, recorded: "(file existed: write_file overwrote it)"))
            }
        }
        var outcome = try context.settle(.write(Array(content.utf8)), path: path, span: span)
        if outcome.verdict == .applied, drift.isEmpty {
            drift += afterImage(span, written: Array(content.utf8), path: path, context)
        }
        outcome.drift += drift
        return outcome
    }

    /// The recorded `originalContent`: the whole file before the call (nil inside: no file),
    /// or nil when the record has none.
    func originalContent(_ span: Span) -> [UInt8]?? {
        guard let display = span.details, display.objectValue != nil, let original = display["originalContent"] else { return nil }
        if let text = original.stringValue { return .some(Array(text.utf8)) }
        return original == .null ? .some(nil) : nil
    }

    /// The recorded `newContent` against what replay wrote.
    func afterImage(_ span: Span, written: [UInt8], path: RepoPath, _ context: ReplayContext) -> [Drift] {
        guard let recorded = span.details?["newContent"]?.stringValue,
            var d = Drift.compare(recorded: Array(recorded.utf8), replayed: written, kind: .afterImage, path: path.value)
        else { return [] }
        d.suspects = context.suspects(path)
        return [d]
    }
}
