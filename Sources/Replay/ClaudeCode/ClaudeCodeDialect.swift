import ToolSemantics
import Trace

/// Claude Code's tools: `Edit`, `MultiEdit`, `Write` and `NotebookEdit` are applied;
/// `Read` is checked against the replayed file; `Bash` is served, its plain file effects
/// replayed and anything else it may have changed flagged (`ShellReplay`); any other tool is
/// left to its role (`ToolRoles`).
/// A call Claude Code never ran (`ClaudeCodeTools.neverRan`) is failed as recorded, and a
/// result whose call the log does not hold is not replayable.
struct ClaudeCodeDialect: ToolDialect {
    let shell = ShellReplay()

    func replay(_ span: Span, in context: ReplayContext) throws -> Outcome? {
        if span.attributes["agentreplay.call_missing"]?.boolValue == true {
            return Outcome(
                verdict: .notReplayable,
                note: "the log holds this call's result but not the call (it begins after the call was made): what it did is unknown")
        }
        guard let tool = span.toolName else { return nil }
        if span.status == .error, let message = ReplayContext.recordedError(span), ClaudeCodeTools.neverRan(message) {
            return Outcome(verdict: .failedAsRecorded, note: "never ran: " + message)
        }
        switch tool {
        case "Edit": return try edit(span, context, multi: false)
        case "MultiEdit": return try edit(span, context, multi: true)
        case "Write": return try write(span, context)
        case "NotebookEdit": return try notebookEdit(span, context)
        case "Read": return try read(span, context)
        case "Bash": return try shell.claudeCode(span, context)
        default: return nil
        }
    }

    /// The outcome for an edit whose path cannot be used: the agent's own notes in its folder
    /// outside the repository are listed (served, with a note), not flagged.
    func refusal(_ refusal: RepoPath.Refusal, recorded: String, span: Span, _ context: ReplayContext) -> Outcome {
        if case .outsideRepo = refusal, span.status != .error, ClaudeCodeTools.isAgentNotes(recorded) {
            return Outcome(verdict: .served, note: "the agent's own notes, outside the repository: \(recorded)")
        }
        return context.refusal(refusal, span: span)
    }

    /// `body`'s outcome for the repository path of `file`, which `span` writes; the refusal
    /// instead when that path cannot be used or may not be written.
    func writing(_ file: String, _ span: Span, _ context: ReplayContext, _ body: (RepoPath) throws -> Outcome) throws -> Outcome {
        let path: RepoPath
        switch context.map(file, span: span) {
        case .failure(let refusal): return self.refusal(refusal, recorded: file, span: span, context)
        case .success(let p): path = p
        }
        if let refused = try context.refusalToWrite(path, span: span) { return refused }
        return try body(path)
    }

    func input(_ span: Span) -> [(String, JSON)] { span.input?.objectValue ?? [] }

    func string(_ span: Span, _ key: String) -> String? {
        input(span).first { $0.0 == key }?.1.stringValue
    }

    func edit(_ span: Span, _ context: ReplayContext, multi: Bool) throws -> Outcome {
        guard let file = string(span, "file_path") else {
            return Outcome(verdict: span.status == .error ? .failedAsRecorded : .mismatch, note: "input has no file_path")
        }
        return try writing(file, span, context) { path in try edit(span, context, path: path, multi: multi) }
    }

    func edit(_ span: Span, _ context: ReplayContext, path: RepoPath, multi: Bool) throws -> Outcome {
        var replacements: [ClaudeCodeEdit.Replacement] = []
        let raw: [JSON] = multi ? (span.input?["edits"]?.arrayValue ?? []) : [span.input ?? .null]
        for e in raw {
            guard let old = e["old_string"]?.stringValue, let new = e["new_string"]?.stringValue else {
                if span.status == .error { return Outcome(verdict: .failedAsRecorded, paths: [path], note: ReplayContext.recordedError(span)) }
                return Outcome(verdict: .mismatch, paths: [path], note: "input lacks old_string or new_string")
            }
            replacements.append(.init(old: Array(old.utf8), new: Array(new.utf8), replaceAll: e["replace_all"]?.boolValue ?? false))
        }
        if multi && replacements.isEmpty && span.status != .error {
            return Outcome(verdict: .mismatch, paths: [path], note: "MultiEdit with no edits")
        }
        var drift: [Drift] = []
        var original: [UInt8]?
        if span.status == .ok, let recorded = span.details?["originalFile"]?.stringValue ?? span.details?["originalFileContents"]?.stringValue {
            original = Array(recorded.utf8)
            drift += try context.reconcile(path, observed: original, kind: .beforeImage)
        }
        if span.status == .ok {
            // The edit succeeded: each old_string occurred in the file as it was.
            let edits = replacements
            context.see {
                FirstSight(
                    path: path,
                    test: .part { file in
                        // Past a limit of replay's, nothing is told: not a disagreement.
                        guard let edit = try? ClaudeCodeEdit.apply(edits, to: file, path: path.value) else { return true }
                        if case .failure = edit { return false }
                        return true
                    })
            }
        }
        let current = try context.workspace.read(path)
        var edit = try ClaudeCodeEdit.apply(replacements, to: current, path: path.value)
        // Done as recorded, yet an old string that holds REDACTED is not in the file: read
        // each REDACTED as what the log's keeper removed (`Redaction`), and say so.
        var redactedMatch = false
        if case .failure = edit, span.status == .ok, replacements.contains(where: { Redaction.holds($0.old) }) {
            let again = try ClaudeCodeEdit.apply(replacements, to: current, path: path.value, redacted: true)
            if case .write = again {
                edit = again
                redactedMatch = true
            }
        }
        var outcome = try context.settle(edit, path: path, span: span)
        outcome.redactedMatch = redactedMatch && outcome.verdict == .applied
        if outcome.verdict == .applied, drift.isEmpty, let original, case .write(let replayed) = edit,
            let after = afterImage(span, original: original, replayed: replayed, path: path)
        {
            drift.append(after)
        }
        outcome.drift += drift
        return outcome
    }

    func write(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let file = string(span, "file_path"), let content = string(span, "content") else {
            return Outcome(verdict: span.status == .error ? .failedAsRecorded : .mismatch, note: "input lacks file_path or content")
        }
        return try writing(file, span, context) { path in try write(span, context, path: path, content: content) }
    }

    func write(_ span: Span, _ context: ReplayContext, path: RepoPath, content: String) throws -> Outcome {
        var drift: [Drift] = []
        if span.status == .ok, let details = span.details {
            if let original = details["originalFile"]?.stringValue {
                drift += try context.reconcile(path, observed: Array(original.utf8), kind: .beforeImage)
            } else if details["type"]?.stringValue == "create" {
                context.see { FirstSight(path: path, test: .absentOrEmpty) }
                // Claude Code records `create` (and no `originalFile`) over an empty file too.
                if try context.workspace.read(path)?.isEmpty != true {
                    drift += try context.reconcile(path, observed: nil, kind: .existence)
                }
            } else if details["type"]?.stringValue == "update", try context.workspace.read(path) == nil {
                drift.append(context.missing(path, recorded: "(file existed: Write updated it)"))
            }
        }
        var outcome = try context.settle(.write(Array(content.utf8)), path: path, span: span)
        outcome.drift += drift
        return outcome
    }

    func notebookEdit(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let file = string(span, "notebook_path") else {
            return Outcome(verdict: span.status == .error ? .failedAsRecorded : .mismatch, note: "input has no notebook_path")
        }
        return try writing(file, span, context) { path in
            let current = try context.workspace.read(path)
            let edit = NotebookEdit(input: span.input ?? .null).apply(to: current)
            return try context.settle(edit, path: path, span: span)
        }
    }

    /// Checks a `Read` result against the replayed file, line by line in the window it read.
    func read(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let file = string(span, "file_path") else { return .served }
        let path: RepoPath
        switch context.map(file, span: span) {
        case .failure: return Outcome(verdict: .served, note: "outside the repo: not checked")
        case .success(let p): path = p
        }
        var outcome = Outcome(verdict: .served, paths: [path])
        if span.status == .error {
            let message = ReplayContext.recordedError(span) ?? ""
            if message.contains("does not exist") { context.see { .whole(path, nil) } }
            if message.contains("does not exist"), try context.workspace.read(path) != nil {
                outcome.drift.append(context.present(path, recorded: "(no file)"))
            }
            return outcome
        }
        // Only what the log shows of the file can be checked: read the replayed file only then.
        guard span.status == .ok, let seen = ReadResult(span) else {
            outcome.synced = []  // nothing compared: the path's suspects stand
            return outcome
        }
        if let whole = seen.wholeFile {
            outcome.drift += try context.reconcile(path, observed: whole, kind: .observation)
            return outcome
        }
        context.see { FirstSight(path: path, test: .part { seen.compare(with: $0, path: path) == nil }) }
        guard let current = try context.workspace.read(path) else {
            outcome.drift.append(context.missing(path, recorded: "(file read)"))
            return outcome
        }
        if let d = seen.compare(with: current, path: path) {
            var d = d
            d.suspects = context.suspects(path)
            outcome.drift.append(context.partial(d, path: path) { seen.compare(with: $0, path: path) == nil })
        }
        return outcome
    }

    /// Compares what the replay wrote with the recorded `structuredPatch` applied to the
    /// recorded before-image (`original`), when the log has a patch.
    ///
    /// Claude Code writes the patch's lines as it shows them, each tab at a line's start turned
    /// into two spaces: both files are compared in that form.
    func afterImage(_ span: Span, original: [UInt8], replayed: [UInt8], path: RepoPath) -> Drift? {
        guard let hunks = span.details?["structuredPatch"]?.arrayValue, !hunks.isEmpty else { return nil }
        let before = Bytes.normalisingCRLF(original)
        let after = Bytes.normalisingCRLF(replayed)
        // Most files have no tab at a line's start: compared as they are, they agree without
        // the two copies `shown` makes (a run of 20,000 Edits reads them all).
        if let plain = StructuredPatch.apply(hunks, to: before), Bytes.equal(plain, after) { return nil }
        guard let expected = StructuredPatch.apply(hunks, to: Self.shown(before)) else { return nil }
        return Drift.compare(recorded: expected, replayed: Self.shown(after), kind: .afterImage, path: path.value)
    }

    /// `text` with each tab that starts a line (or follows such tabs) as two spaces.
    static func shown(_ text: [UInt8]) -> [UInt8] {
        guard text.contains(0x09) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + text.count / 8)
        var atStart = true
        for byte in text {
            if atStart && byte == 0x09 {
                out += [0x20, 0x20]
                continue
            }
            atStart = byte == 0x0A
            out.append(byte)
        }
        return out
    }
}
