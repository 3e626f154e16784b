import Git
import ToolSemantics
import Trace

/// SWE-agent's tools. `str_replace_editor` `create`, `str_replace`, `insert` and `undo_edit`
/// are applied with the editor's own semantics (`SWEAgentEditor`); `view` and the snippets
/// the editor prints after an edit are checked against the replayed file; `submit` checks
/// the final tree against the submission SWE-agent recorded; `bash` is served, its plain file
/// effects replayed and anything else it may have changed flagged (`ShellReplay`); 0.x's
/// windowed commands (`open`, `edit N:M`, …) are replayed as their shell functions run
/// (`SWEAgentDialect+Windowed.swift`); every other command is served.
///
/// Not a value: one instance replays one run (`Dialects.for` makes one per replay). It keeps
/// the tree replay started from (the workspace's tree when the first tool span arrives: no
/// span before a tool span changes files), the editor's undo history, and which spans edited
/// which path, for blaming a submission mismatch.
final class SWEAgentDialect: ToolDialect {
    private var baseTree: ObjectID?
    /// `undo_edit`'s history: the text before each edit, per path (the editor keeps it too).
    private var history: [RepoPath: [[UInt8]]] = [:]
    /// The editor spans that changed each path, in order.
    var editors: [RepoPath: [Span.ID]] = [:]
    /// `bash`, in SWE-agent's one shell session.
    let shell = ShellReplay(persistentDirectory: true)
    /// 0.x's file window, which `open`, `goto`, `scroll_*`, `create` and `edit` move.
    var window = SWEAgentWindow()
    /// A shell command opened a file replay cannot name (until a step's state names it).
    var windowFileUnknown = false

    func replay(_ span: Span, in context: ReplayContext) throws -> Outcome? {
        if baseTree == nil { baseTree = context.workspace.tree }
        adoptRecordedState(span)
        switch span.toolName {
        case "str_replace_editor": return try editor(span, context)
        case "submit": return try submit(span, context)
        case "bash":
            loseWindowIfCalled(span)
            if let outcome = windowedInShell(span) { return outcome }
            return try shell.sweAgent(span, context)
        case let name? where SWEAgentDialect.windowedCommands.contains(name): return try windowed(span, context)
        default: return nil
        }
    }

    // MARK: str_replace_editor

    func editor(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        let input = span.input ?? .null
        guard let command = input["command"]?.stringValue, let file = input["path"]?.stringValue else {
            // The importer could not read the command line (`argparse` rejected it).
            if span.status == .error { return Outcome(verdict: .failedAsRecorded, note: observationError(span)) }
            return Outcome(verdict: .mismatch, note: span.attributes["agentreplay.parse_error"]?.stringValue ?? "input has no command or path")
        }
        guard file.hasPrefix("/") else {
            return try settle(.failure("The path \(file) is not an absolute path, it should start with `/`."), path: nil, span: span, context)
        }
        let path: RepoPath
        switch context.map(file, span: span) {
        case .failure(let refusal):
            if command == "view" { return Outcome(verdict: .served, note: "outside the repo: not checked") }
            var outcome = context.refusal(refusal, span: span)
            if outcome.verdict == .failedAsRecorded { outcome.note = observationError(span) }
            return outcome
        case .success(let p): path = p
        }
        let entry = try context.workspace.entry(path)
        if command == "view" { return view(span, path: path, entry: entry, context) }
        switch entry {
        case .absent where command != "create":
            return try settle(.failure("The path \(file) does not exist. Please provide a valid path."), path: path, span: span, context)
        case .symlink, .submodule:
            if span.status == .error { return Outcome(verdict: .failedAsRecorded, paths: [path], note: observationError(span)) }
            return Outcome(
                verdict: .refused, paths: [path],
                note: entry == .symlink
                    ? Workspace.Problem.throughSymlink(path.value).description : Workspace.Problem.inSubmodule(path.value).description)
        case .directory:
            let message =
                command == "create"
                ? "File already exists at: \(file). Cannot overwrite files using command `create`."
                : "The path \(file) is a directory and only the `view` command can be used on directories"
            return try settle(.failure(message), path: path, span: span, context)
        default:
            break
        }
        let current: [UInt8]?
        if case .file(let bytes, _) = entry { current = bytes } else { current = nil }
        let edit: FileEdit
        var before: [UInt8]?
        switch command {
        case "create":
            guard let text = input["file_text"]?.stringValue else {
                return try settle(.failure("Parameter `file_text` is required for command: create"), path: path, span: span, context)
            }
            if entry != .absent {
                edit = .failure("File already exists at: \(file). Cannot overwrite files using command `create`.")
            } else if span.status == .error, observationError(span)?.hasPrefix("The parent directory") == true {
                // Git keeps no empty directories: whether the parent existed is the log's word.
                edit = .failure(observationError(span)!)
            } else {
                edit = .write(Array(text.utf8))
                before = Array(text.utf8)
            }
        case "str_replace", "insert":
            let read = SWEAgentEditor.read(current ?? [])
            let result: Result<[UInt8], SWEAgentEditor.Refusal>
            if command == "str_replace" {
                guard let old = input["old_str"]?.stringValue else {
                    return try settle(.failure("Parameter `old_str` is required for command: str_replace"), path: path, span: span, context)
                }
                result = SWEAgentEditor.replace(in: read.bytes, old: old, new: input["new_str"]?.stringValue, path: file)
            } else {
                guard let line = input["insert_line"]?.intValue else {
                    return try settle(.failure("Parameter `insert_line` is required for command: insert"), path: path, span: span, context)
                }
                guard let new = input["new_str"]?.stringValue else {
                    return try settle(.failure("Parameter `new_str` is required for command: insert"), path: path, span: span, context)
                }
                result = SWEAgentEditor.insert(in: read.bytes, line: line, new: new)
            }
            switch result {
            case .failure(let refusal):
                edit = .failure(refusal.message)
            case .success(let text):
                if let bytes = SWEAgentEditor.write(text, as: read.encoding) {
                    edit = .write(bytes)
                    before = SWEAgentEditor.expandTabs(read.bytes)
                } else {
                    edit = .failure("Ran into an encoding error while trying to write to \(file)")
                }
            }
        case "undo_edit":
            if span.status == .error { return Outcome(verdict: .failedAsRecorded, paths: [path], note: observationError(span)) }
            guard let last = history[path]?.last else {
                return try settle(.failure("No edit history found for \(file)."), path: path, span: span, context)
            }
            edit = .write(last)
        default:
            return try settle(.failure("Unrecognized command \(command)."), path: path, span: span, context)
        }
        var outcome = try settle(edit, path: path, span: span, context)
        guard outcome.verdict == .applied else { return outcome }
        if command == "undo_edit" {
            history[path]?.removeLast()
        } else if let before {
            history[path, default: []].append(before)
        }
        editors[path, default: []].append(span.id)
        // The snippet the editor printed is the edited file: check it.
        if let observation = span.output?.stringValue, let shown = SWEAgentView(observation: observation),
            case .write(let bytes) = edit,
            var drift = shown.compare(with: bytes, path: path, kind: .afterImage)
        {
            drift.suspects = context.suspects(path)
            outcome.drift.append(drift)
        }
        return outcome
    }

    /// `context.settle`, with the editor's own message as the note of a recorded failure.
    func settle(_ edit: FileEdit, path: RepoPath?, span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let path else {
            // No usable path: nothing can be written either way.
            switch (span.status, edit) {
            case (.unset, _): return Outcome(verdict: .noResult, note: "the log has no result for this call; not applied")
            case (.error, _): return Outcome(verdict: .failedAsRecorded, note: observationError(span))
            case (.ok, .failure(let reason)): return Outcome(verdict: .mismatch, note: "recorded as done, but on replay: \(reason)")
            case (.ok, _): return Outcome(verdict: .mismatch, note: "recorded as done, but the path is not usable")
            }
        }
        var outcome = try context.settle(edit, path: path, span: span)
        if outcome.verdict == .failedAsRecorded { outcome.note = observationError(span) }
        if span.status == .error, outcome.verdict == .mismatch, let message = observationError(span) {
            outcome.note = "recorded as failed (\(message)), but it succeeds on replay"
        }
        return outcome
    }

    /// The first line of the observation, without the terminal's `\r`.
    func observationError(_ span: Span) -> String? {
        guard let text = span.output?.stringValue else { return span.attributes["agentreplay.parse_error"]?.stringValue }
        // Split as bytes: Swift reads "\r\n" as one character, not a line end.
        guard let line = text.utf8.split(separator: 0x0A).first else { return nil }
        let first = String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        guard !first.isEmpty else { return nil }
        return first.count > 200 ? String(first.prefix(200)) + "…" : first
    }

    func view(_ span: Span, path: RepoPath, entry: Workspace.Entry, _ context: ReplayContext) -> Outcome {
        var outcome = Outcome(verdict: .served, paths: [path])
        let message = observationError(span) ?? ""
        switch entry {
        case .file(let bytes, _):
            if span.status == .error, message.contains("does not exist") {
                outcome.drift.append(context.present(path, recorded: "(no file)"))
            } else if span.status == .ok, let observation = span.output?.stringValue, let shown = SWEAgentView(observation: observation),
                var drift = shown.compare(with: bytes, path: path, kind: .observation)
            {
                drift.suspects = context.suspects(path)
                outcome.drift.append(drift)
            }
        case .absent:
            if span.status == .ok {
                outcome.drift.append(context.missing(path, recorded: "(viewed)"))
            }
        default:
            break
        }
        return outcome
    }

    // MARK: submit

    func submit(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let submission = span.details?["submission"]?.stringValue, let baseTree else { return .served }
        let check = try SWEAgentSubmission.check(
            submission, base: baseTree, final: context.workspace.tree, repository: context.workspace.repository)
        var outcome = Outcome(verdict: .served, paths: check.paths)
        switch check.result {
        case .unreadable(let reason):
            outcome.verdict = .mismatch
            outcome.note = "the recorded submission is not a diff replay can read: \(reason)"
        case .drift(let drift):
            // The submission is the whole tree as git saw it at the end: when it matches, it
            // confirms what the shell calls before it did.
            outcome.confirmsTree = drift.isEmpty
            outcome.drift = drift.map { d in
                var d = d
                if let path = try? RepoPath.relative(d.path).get() {
                    d.suspects = (editors[path] ?? []) + context.suspects(path)
                }
                return d
            }
            if !drift.isEmpty {
                let files = Set(drift.map(\.path)).count
                outcome.note = "the final tree differs from the recorded submission in \(files) file\(files == 1 ? "" : "s")"
            }
        }
        return outcome
    }
}
