import ToolSemantics
import Trace

/// Codex CLI's tools. `apply_patch` (a custom tool, a function, or `apply_patch` run through
/// `shell`, `local_shell` or `exec_command`) is applied with Codex's own patch semantics and
/// checked against the recorded `patch_apply_end` (the span's `details`); other shell calls
/// are served, their plain file effects replayed and anything else they may have changed
/// flagged (`ShellReplay`); a code-mode `exec` script's tool calls are replayed the same way
/// (`CodexCodeMode.swift`); every other tool is served.
struct CodexDialect: ToolDialect {
    let shell = ShellReplay()

    static let shellTools: Set<String> = ["shell", "container.exec", "local_shell", "exec_command", "write_stdin", "unified_exec"]

    func replay(_ span: Span, in context: ReplayContext) throws -> Outcome? {
        guard let tool = span.toolName else { return nil }
        if tool == "apply_patch" || tool == "applypatch" {
            guard let patch = span.input?["input"]?.stringValue ?? span.input?["patch"]?.stringValue ?? span.input?.stringValue else {
                return Outcome(verdict: span.status == .error ? .failedAsRecorded : .mismatch, note: "input has no patch")
            }
            return try applyPatch(patch, directory: nil, span: span, context)
        }
        if tool == "exec", span.input?["input"]?.stringValue != nil { return try script(span, context) }
        guard Self.shellTools.contains(tool) else { return nil }
        if let found = invocation(span) {
            var directory = span.input?["workdir"]?.stringValue ?? span.input?["working_directory"]?.stringValue
            if let cd = found.directory { directory = directory.map { join($0, cd) } ?? cd }
            return try applyPatch(found.patch, directory: directory, span: span, context)
        }
        return try shell.codex(span, context)
    }

    /// The `apply_patch` a shell call runs, when it runs nothing else.
    func invocation(_ span: Span) -> ApplyPatchInvocation.Found? {
        guard let input = span.input else { return nil }
        if let argv = (input["command"] ?? input["action"]?["command"])?.arrayValue {
            let words = argv.compactMap(\.stringValue)
            guard words.count == argv.count else { return nil }
            return ApplyPatchInvocation.from(argv: words)
        }
        if let script = input["cmd"]?.stringValue ?? input["command"]?.stringValue {
            return ApplyPatchInvocation.from(script: script)
        }
        return nil
    }

    func join(_ base: String, _ path: String) -> String {
        path.hasPrefix("/") ? path : (base.hasSuffix("/") ? base + path : base + "/" + path)
    }

    func applyPatch(_ text: String, directory: String?, span: Span, _ context: ReplayContext) throws -> Outcome {
        let workingDirectory: String?
        if let directory {
            let base = span.attributes[GenAI.workingDirectory]?.stringValue ?? context.header.repoRoot ?? ""
            workingDirectory = directory.hasPrefix("/") ? directory : join(base, directory)
        } else {
            workingDirectory = span.attributes[GenAI.workingDirectory]?.stringValue
        }
        let resolve = { (raw: String) in
            RepoPath.map(raw, root: context.header.repoRoot, workingDirectory: workingDirectory)
        }
        let applied: ApplyPatch.Applied
        var named: [RepoPath] = []  // the files the patch names, for a failure's suspects
        do {
            let patch = try ApplyPatch.parse(text)
            for operation in patch.operations {
                if case .success(let path) = resolve(operation.path), !named.contains(path) { named.append(path) }
            }
            if span.status == .ok { context.see(patch.firstSights(resolve: resolve)) }
            applied = try patch.apply(in: context.workspace, resolve: resolve)
        } catch let error as ApplyPatch.ParseError {
            applied = .failed(error.description)
        }
        switch (span.status, applied) {
        case (.unset, _):
            return Outcome(verdict: .noResult, note: "the log has no result for this call; not applied")
        case (_, .outside(let refusal)):
            return context.refusal(refusal, span: span)
        case (.error, .failed), (.error, .problem):
            return Outcome(verdict: .failedAsRecorded, note: recordedError(span))
        case (.error, .applied(let effects)):
            let message = recordedError(span) ?? "failed"
            if ReplayContext.refusedBeforeRunning(message) {
                return Outcome(verdict: .failedAsRecorded, paths: effects.order, note: message)
            }
            return Outcome(verdict: .mismatch, paths: effects.order, note: "recorded as failed (\(message)), but it succeeds on replay")
        case (.ok, .failed(let reason)):
            return Outcome(verdict: .mismatch, paths: named, note: "recorded as done, but on replay: \(reason)")
        case (.ok, .problem(let problem, let path)):
            return context.refusedWrite(problem, path: path)
        case (.ok, .applied(let effects)):
            for path in effects.order {
                do {
                    if let bytes = effects.after[path]! { try context.workspace.write(path, bytes) } else { try context.workspace.delete(path) }
                } catch let problem as Workspace.Problem {
                    context.workspace.discardPending()
                    var outcome = context.refusedWrite(problem, path: path)
                    outcome.paths = effects.order
                    return outcome
                }
            }
            var outcome = Outcome(verdict: .applied, paths: effects.order)
            outcome.drift = CodexPatchRecord(span.details, resolve: resolve)?.drift(against: effects, context) ?? []
            return outcome
        }
    }

    /// The error a failed call recorded: `patch_apply_end`'s `stderr`, else the output's text
    /// after Codex's `Exit code:`/`Output:` preamble.
    func recordedError(_ span: Span) -> String? { RecordedError.codex(span) }

    func firstLine(_ s: String) -> String? { RecordedError.firstLine(s) }
}

/// Codex's own record of an applied patch (`event_msg` `patch_apply_end`): per path, what it
/// became (`add` with `content`, `delete`, `update` with a `unified_diff` and `move_path`).
struct CodexPatchRecord {
    enum Change {
        case add([UInt8])
        case delete([UInt8]?)
        case update(UnifiedDiff?, moveTo: RepoPath?)
    }

    var changes: [(path: RepoPath, change: Change)] = []

    init?(_ details: JSON?, resolve: (String) -> Result<RepoPath, RepoPath.Refusal>) {
        guard let members = details?["changes"]?.objectValue else { return nil }
        for (raw, value) in members {
            guard case .success(let path) = resolve(raw) else { continue }
            // `{"type": "add", …}`, or the older externally tagged `{"add": {…}}`.
            var type = value["type"]?.stringValue
            var body = value
            if type == nil, let only = value.objectValue, only.count == 1 { type = only[0].0; body = only[0].1 }
            switch type {
            case "add":
                guard let content = body["content"]?.stringValue else { continue }
                changes.append((path, .add(Array(content.utf8))))
            case "delete":
                changes.append((path, .delete(body["content"]?.stringValue.map { Array($0.utf8) })))
            case "update":
                var diff: UnifiedDiff?
                if let text = body["unified_diff"]?.stringValue {
                    let lines = Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
                    let trimmed = lines.last?.isEmpty == true ? Array(lines.dropLast()) : Array(lines)
                    let start = trimmed.firstIndex { $0.starts(with: Array("@@ ".utf8)) } ?? trimmed.count
                    diff = UnifiedDiff.parseHunks(trimmed, from: start).map { UnifiedDiff(hunks: $0.hunks) }
                }
                var moveTo: RepoPath?
                if let raw = body["move_path"]?.stringValue, case .success(let p) = resolve(raw) { moveTo = p }
                changes.append((path, .update(diff, moveTo: moveTo)))
            default:
                continue
            }
        }
    }

    /// Where what replay did differs from what Codex recorded it did.
    func drift(against effects: ApplyPatch.Effects, _ context: ReplayContext) -> [Drift] {
        var drift: [Drift] = []
        var covered = Set<RepoPath>()
        func after(_ path: RepoPath) -> [UInt8]?? { effects.after[path] }
        func missing(_ path: RepoPath, _ recorded: String) {
            drift.append(
                Drift(kind: .existence, path: path.value, recorded: recorded, replayed: "(not changed on replay)", suspects: context.suspects(path)))
        }
        func compare(_ expected: [UInt8], _ path: RepoPath, kind: Drift.Kind) {
            guard let replayed = after(path) else { return missing(path, "(written by the patch)") }
            guard let bytes = replayed else {
                drift.append(
                    Drift(
                        kind: .existence, path: path.value, recorded: "(file written)", replayed: "(deleted on replay)",
                        suspects: context.suspects(path)))
                return
            }
            if var d = Drift.compare(recorded: expected, replayed: bytes, kind: kind, path: path.value) {
                d.suspects = context.suspects(path)
                drift.append(d)
            }
        }
        for (path, change) in changes {
            covered.insert(path)
            switch change {
            case .add(let content):
                compare(content, path, kind: .afterImage)
            case .delete(let content):
                guard let replayed = after(path) else { missing(path, "(deleted by the patch)"); continue }
                if replayed != nil {
                    drift.append(context.present(path, recorded: "(deleted)"))
                }
                if let content, let before = effects.before[path] ?? nil,
                    var d = Drift.compare(recorded: content, replayed: before, kind: .beforeImage, path: path.value)
                {
                    d.suspects = context.suspects(path)
                    drift.append(d)
                }
            case .update(let diff, let moveTo):
                let destination = moveTo ?? path
                covered.insert(destination)
                guard let diff else { continue }
                let before = effects.before[path] ?? nil
                switch diff.apply(to: before) {
                case .failure(let misfit):
                    drift.append(
                        Drift(
                            kind: .beforeImage, path: path.value, line: misfit.line, recorded: misfit.expected,
                            replayed: misfit.found, suspects: context.suspects(path)))
                case .success(let expected):
                    compare(expected, destination, kind: .afterImage)
                }
            }
        }
        for path in effects.order where !covered.contains(path) {
            drift.append(
                Drift(
                    kind: .existence, path: path.value, recorded: "(not in the recorded changes)", replayed: "(changed on replay)",
                    suspects: context.suspects(path)))
        }
        return drift
    }
}
