import ToolSemantics
import Trace

/// OpenHands' tools, by the action each span was recorded as (`agentreplay.openhands.action`):
///
/// - `edit`: the editor's `create`, `str_replace`, `insert` and `undo_edit` are applied with its
///   own semantics (`OpenHandsEditor`); `view` is an observation. After an edit, the snippet
///   it printed, the observation's `old_content`/`new_content` (when they hold files rather
///   than the call's own strings) and its `diff` are checked against the files replay holds.
///   An LLM-based edit (`impl_source: llm_based_edit`) cannot be recomputed: its recorded
///   `new_content` is written when its `old_content` is the file replay holds;
/// - `read`: the editor's `view` output is checked against the replayed file;
/// - `run`: the command's plain file effects are replayed when its exit code is 0, and anything
///   else it may have changed flagged (`ShellReplay.openHands`: exit code, working directory);
/// - `run_ipython` and `write` are served and flagged as possibly changing files replay cannot
///   see (a `FileWriteAction`'s `start`/`end` line range and its line handling are the runtime's,
///   not reproduced here); rejected by the user, they did not run.
///
/// An `error` or `user_rejected` observation means the call did not run (a runtime error, a
/// refusal): failed as recorded, nothing written.
///
/// Not a value: one instance replays one run, keeping the editor's undo history.
final class OpenHandsDialect: ToolDialect {
    private var history: [RepoPath: [[UInt8]]] = [:]
    /// `run`, in OpenHands' one shell session.
    private let shell = ShellReplay(persistentDirectory: true)

    func replay(_ span: Span, in context: ReplayContext) throws -> Outcome? {
        guard let action = span.attributes["agentreplay.openhands.action"]?.stringValue else { return nil }
        switch action {
        case "edit", "read":
            let observation = span.attributes["agentreplay.openhands.observation"]?.stringValue
            if observation == "error" || observation == "user_rejected" {
                return Outcome(
                    verdict: .failedAsRecorded,
                    note: (observation == "user_rejected" ? "rejected by the user: " : "") + (Self.recordedError(span) ?? "failed"))
            }
            if action == "edit", span.attributes["agentreplay.openhands.impl_source"]?.stringValue == "llm_based_edit" {
                return try llmBasedEdit(span, context)
            }
            return try editor(span, context)
        case "run":
            return try shell.openHands(span, context)
        case "run_ipython", "write":
            let observation = span.attributes["agentreplay.openhands.observation"]?.stringValue
            if observation == "user_rejected" {
                return Outcome(verdict: .failedAsRecorded, note: "rejected by the user" + (Self.recordedError(span).map { ": " + $0 } ?? ""))
            }
            return Outcome(
                verdict: .served, note: action == "write" ? "a FileWriteAction: not replayed" : "Python code: its file effects are not replayed",
                unseenEffects: true)
        default:
            return nil
        }
    }

    /// The first line of the editor's error (its output after `ERROR:`).
    static func recordedError(_ span: Span) -> String? { RecordedError.openHands(span) }

    // MARK: The editor

    func editor(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        let input = span.input ?? .null
        let command = input["command"]?.stringValue ?? (span.attributes["agentreplay.openhands.action"]?.stringValue == "read" ? "view" : nil)
        guard let command, let file = input["path"]?.stringValue else {
            if span.attributes["agentreplay.openhands.action"]?.stringValue == "read" { return .served }
            return try settle(.failure("the call has no command or path"), path: nil, span: span, context)
        }
        guard file.hasPrefix("/") else {
            return try settle(
                .failure("Invalid `path` parameter: \(file). The path should be an absolute path, starting with `/`."), path: nil, span: span, context
            )
        }
        let path: RepoPath
        switch context.map(file, span: span) {
        case .failure(let refusal):
            if command == "view" { return Outcome(verdict: .served, note: "outside the repo: not checked") }
            var outcome = context.refusal(refusal, span: span)
            if outcome.verdict == .failedAsRecorded { outcome.note = Self.recordedError(span) }
            return outcome
        case .success(let p): path = p
        }
        let entry = try context.workspace.entry(path)
        if command == "view" { return view(span, path: path, file: file, entry: entry, context) }
        let invalid = "Invalid `path` parameter: \(file). "
        switch entry {
        case .absent where command != "create":
            return try settle(.failure(invalid + "The path \(file) does not exist. Please provide a valid path."), path: path, span: span, context)
        case .symlink, .submodule:
            if span.status == .error { return Outcome(verdict: .failedAsRecorded, paths: [path], note: Self.recordedError(span)) }
            return Outcome(
                verdict: .refused, paths: [path],
                note: entry == .symlink
                    ? Workspace.Problem.throughSymlink(path.value).description : Workspace.Problem.inSubmodule(path.value).description)
        case .directory:
            let message =
                command == "create"
                ? "File already exists at: \(file). Cannot overwrite files using command `create`."
                : "The path \(file) is a directory and only the `view` command can be used on directories."
            return try settle(.failure(invalid + message), path: path, span: span, context)
        default:
            break
        }
        var current: [UInt8]?
        if case .file(let bytes, _) = entry { current = bytes }
        let read = SWEAgentEditor.read(current ?? [])
        let edit: FileEdit
        var before: [UInt8]?
        var after: [UInt8]?
        switch command {
        case "create":
            if entry != .absent {
                edit = .failure(invalid + "File already exists at: \(file). Cannot overwrite files using command `create`.")
            } else if span.status == .error, let message = Self.recordedError(span), message.contains("No such file or directory"),
                try path.parents.contains(where: { try context.workspace.entry(RepoPath(unchecked: $0)) == .absent })
            {
                // The editor makes no directories. Git keeps no empty ones: whether the parent
                // existed is the log's word.
                edit = .failure(message)
            } else if let text = input["file_text"]?.stringValue {
                edit = .write(Array(text.utf8))
                before = Array(text.utf8)  // the editor's history keeps the created text
                after = Array(text.utf8)
            } else {
                edit = .failure("Parameter `file_text` is required for command: create.")
            }
        case "str_replace", "insert":
            let result: Result<[UInt8], OpenHandsEditor.Refusal>
            if command == "str_replace" {
                guard let old = input["old_str"]?.stringValue else {
                    return try settle(.failure("Parameter `old_str` is required for command: str_replace."), path: path, span: span, context)
                }
                result = OpenHandsEditor.replace(in: read.bytes, old: old, new: input["new_str"]?.stringValue, path: file)
            } else {
                guard let lineValue = input["insert_line"], !lineValue.isNull else {
                    return try settle(.failure("Parameter `insert_line` is required for command: insert."), path: path, span: span, context)
                }
                guard let line = lineValue.intValue ?? lineValue.stringValue.flatMap({ Int64(OpenHandsEditor.strip($0)) }) else {
                    return try settle(
                        .failure("Invalid insert_line value: '\(lineValue.stringValue ?? JSONWriter.string(lineValue))'. Expected an integer."),
                        path: path, span: span, context)
                }
                guard let new = input["new_str"]?.stringValue else {
                    return try settle(.failure("Parameter `new_str` is required for command: insert."), path: path, span: span, context)
                }
                result = OpenHandsEditor.insert(in: read.bytes, line: line, new: new)
            }
            switch result {
            case .failure(let refusal):
                edit = .failure(refusal.message)
            case .success(let text):
                if let bytes = SWEAgentEditor.write(text, as: read.encoding) {
                    edit = .write(bytes)
                    before = read.bytes
                    after = text
                } else {
                    edit = .failure("Ran into an encoding error while trying to write to \(file)")
                }
            }
        case "undo_edit":
            if let last = history[path]?.last, let bytes = SWEAgentEditor.write(last, as: read.encoding) {
                edit = .write(bytes)
                after = last
            } else {
                edit = .failure("No edit history found for \(file).")
            }
        default:
            edit = .failure(
                "Unrecognized command \(command). The allowed commands for the oh_editor tool are: view, create, str_replace, insert, undo_edit")
        }
        var outcome = try settle(edit, path: path, span: span, context)
        guard outcome.verdict == .applied, let after else { return outcome }
        if command == "undo_edit" {
            history[path]?.removeLast()
        } else if let before {
            history[path, default: []].append(before)
            if history[path]!.count > OpenHandsEditor.historyLimit { history[path]!.removeFirst() }
        }
        outcome.drift += checks(span, input: input, before: command == "create" ? nil : read.bytes, after: after, path: path, context)
        return outcome
    }

    /// What the observation says the edit did, against what replay did: the snippet it
    /// printed, `old_content`/`new_content` when they are files, the `diff`.
    func checks(_ span: Span, input: JSON, before: [UInt8]?, after: [UInt8], path: RepoPath, _ context: ReplayContext) -> [Drift] {
        var drift: [Drift] = []
        if let output = span.output?.stringValue, let shown = OpenHandsView(observation: output, snippet: true),
            let d = shown.compare(with: after, path: path, kind: .afterImage)
        {
            drift.append(d)
        }
        let details = span.details
        let oldContent = details?["old_content"], newContent = details?["new_content"]
        // Since 2025 the observation repeats the call's `old_str` and `new_str` there; before,
        // and for LLM-based edits, it holds the file before and after.
        let echo = (oldContent ?? .null) == (input["old_str"] ?? .null) && (newContent ?? .null) == (input["new_str"] ?? .null)
        if drift.isEmpty, !echo {
            if let recorded = oldContent?.stringValue, let before,
                let d = Drift.compare(recorded: Array(recorded.utf8), replayed: before, kind: .beforeImage, path: path.value)
            {
                drift.append(d)
            } else if let recorded = newContent?.stringValue,
                let d = Drift.compare(recorded: Array(recorded.utf8), replayed: after, kind: .afterImage, path: path.value)
            {
                drift.append(d)
            }
        }
        if drift.isEmpty, let diff = details?["diff"]?.stringValue, let d = OpenHandsDiff.check(diff, before: before ?? [], after: after, path: path)
        {
            drift.append(d)
        }
        return drift.map { d in
            var d = d
            d.suspects = context.suspects(path)
            return d
        }
    }

    func view(_ span: Span, path: RepoPath, file: String, entry: Workspace.Entry, _ context: ReplayContext) -> Outcome {
        var outcome = Outcome(verdict: .served, paths: [path])
        switch entry {
        case .file(let bytes, _):
            if span.status == .error, (Self.recordedError(span) ?? "").contains("does not exist") {
                outcome.drift.append(context.present(path, recorded: "(no file)"))
            } else if span.status == .ok, let output = span.output?.stringValue, let shown = OpenHandsView(observation: output, snippet: false),
                var d = shown.compare(with: SWEAgentEditor.read(bytes).bytes, path: path, kind: .observation)
            {
                d.suspects = context.suspects(path)
                outcome.drift.append(d)
            } else if span.status == .ok, span.output.flatMap({ $0.stringValue }).flatMap({ OpenHandsView(observation: $0, snippet: false) }) == nil {
                outcome.synced = []  // nothing compared: the path's suspects stand
            }
        case .absent:
            if span.status == .ok, let output = span.output?.stringValue, OpenHandsView(observation: output, snippet: false) != nil {
                outcome.drift.append(context.missing(path, recorded: "(viewed)"))
            }
        default:
            break
        }
        return outcome
    }

    // MARK: LLM-based edits

    /// An edit the LLM-based editor made: the recorded `new_content` is written when the
    /// recorded `old_content` is what replay holds (else `before-image` drift, and still
    /// written: the recording says that is what the file became).
    func llmBasedEdit(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let file = span.input?["path"]?.stringValue else {
            return try settle(.failure("the call has no path"), path: nil, span: span, context)
        }
        let path: RepoPath
        switch context.map(file, span: span) {
        case .failure(let refusal): return context.refusal(refusal, span: span)
        case .success(let p): path = p
        }
        if let refused = try context.refusalToWrite(path, span: span) { return refused }
        guard let new = span.details?["new_content"]?.stringValue else {
            return try settle(.failure("the observation has no new_content to write"), path: path, span: span, context)
        }
        let current = try context.workspace.read(path)
        var drift: [Drift] = []
        let old = span.details?["old_content"]?.stringValue
        if span.status == .ok {
            if let old, let current,
                var d = Drift.compare(recorded: Array(old.utf8), replayed: SWEAgentEditor.read(current).bytes, kind: .beforeImage, path: path.value)
            {
                d.suspects = context.suspects(path)
                drift.append(d)
            } else if let existed = span.details?["prev_exist"]?.boolValue, existed != (current != nil) {
                drift.append(
                    Drift(
                        kind: .existence, path: path.value, recorded: existed ? "(file existed)" : "(no file)",
                        replayed: existed ? "(no file)" : "(file exists)", suspects: context.suspects(path)))
            }
        }
        var outcome = try settle(.write(Array(new.utf8)), path: path, span: span, context)
        outcome.drift += drift
        return outcome
    }

    /// `context.settle`, with the editor's own message as the note of a recorded failure.
    func settle(_ edit: FileEdit, path: RepoPath?, span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let path else {
            switch (span.status, edit) {
            case (.unset, _): return Outcome(verdict: .noResult, note: "the log has no result for this call; not applied")
            case (.error, _): return Outcome(verdict: .failedAsRecorded, note: Self.recordedError(span))
            case (.ok, .failure(let reason)): return Outcome(verdict: .mismatch, note: "recorded as done, but on replay: \(reason)")
            case (.ok, _): return Outcome(verdict: .mismatch, note: "recorded as done, but the path is not usable")
            }
        }
        var outcome = try context.settle(edit, path: path, span: span)
        if outcome.verdict == .failedAsRecorded { outcome.note = Self.recordedError(span) }
        if span.status == .error, outcome.verdict == .mismatch, let message = Self.recordedError(span) {
            outcome.note = "recorded as failed (\(message)), but it succeeds on replay"
        }
        return outcome
    }
}
