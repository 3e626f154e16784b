import ToolSemantics
import Trace

/// OpenCode's tools. `edit` (`OpenCodeEdit`), `multiedit`, `write` and `apply_patch`/`patch`
/// (`OpenCodePatch`) are applied, their recorded whole-file images (`filediff.before`/`after`,
/// `files[].before`/`after`, `exists`) checked against replay; `read` is checked against the
/// replayed file (`OpenCodeRead`); `bash`'s plain file effects are replayed when it exited 0,
/// anything else it may have changed flagged (`ShellReplay.openCode`); `task` ran a subagent
/// in a session of its own, whose effects this log does not hold; the tools in
/// `ToolRoles.openCodeObserving` are served; any other tool (an MCP server's, a plugin's) is not replayable.
/// A `turn-summary` span (what a turn changed, as OpenCode recorded it) is checked against
/// the replayed files (`OpenCodeTurnSummary`). Relative paths are to the directory OpenCode
/// ran in (the span's working directory).
///
/// After every edit OpenCode runs the formatter configured for the file, if any; replay
/// cannot, and the after-images show where one changed a file.
struct OpenCodeDialect: ToolDialect {
    let shell = ShellReplay()

    func replay(_ span: Span, in context: ReplayContext) throws -> Outcome? {
        guard let tool = span.toolName else { return nil }
        if tool == OpenCodeTurnSummary.tool, span.attributes["agentreplay.opencode.synthetic"]?.boolValue == true {
            return try OpenCodeTurnSummary.check(span, context)
        }
        if span.status == .error, let message = ReplayContext.recordedError(span), Self.neverRan(message), tool != "read" {
            return Outcome(verdict: .failedAsRecorded, note: message)
        }
        switch tool {
        case "edit": return try edit(span, context, multi: false)
        case "multiedit": return try edit(span, context, multi: true)
        case "write": return try write(span, context)
        case "apply_patch", "patch": return try applyPatch(span, context)
        case "bash": return try shell.openCode(span, context)
        case "read": return try OpenCodeRead.check(span, context)
        case "task":
            if span.status == .unset { return Outcome(verdict: .noResult, note: "the log has no result for this call") }
            let session = span.details?["sessionId"]?.stringValue.map { " (\($0))" } ?? ""
            return Outcome(
                verdict: .served, note: "a subagent ran in a session of its own\(session): its file effects are not in this log",
                unseenEffects: true)
        default:
            return nil  // ToolRoles.openCodeObserving, else not replayable
        }
    }

    /// Errors that show the tool never ran: a person or a permission rule refused it, or
    /// OpenCode's read-before-edit guard (`FileTime.assert`) stopped it.
    static func neverRan(_ message: String) -> Bool { ShellEnding.openCodeRefused(message) }

    func string(_ value: JSON?, _ key: String) -> String? { value?[key]?.stringValue }

    /// The path a call names, or the outcome when it cannot be used.
    func target(_ span: Span, _ file: String?, _ context: ReplayContext) throws -> Result<RepoPath, OutcomeBox> {
        guard let file else {
            return .failure(
                OutcomeBox(
                    Outcome(
                        verdict: span.status == .error ? .failedAsRecorded : .mismatch,
                        note: span.status == .error ? ReplayContext.recordedError(span) : "input has no filePath")))
        }
        switch context.map(file, span: span) {
        case .failure(let refusal): return .failure(OutcomeBox(context.refusal(refusal, span: span)))
        case .success(let path):
            if let refused = try context.refusalToWrite(path, span: span) { return .failure(OutcomeBox(refused)) }
            return .success(path)
        }
    }

    struct OutcomeBox: Error {
        let outcome: Outcome
        init(_ outcome: Outcome) { self.outcome = outcome }
    }

    func edit(_ span: Span, _ context: ReplayContext, multi: Bool) throws -> Outcome {
        let file = string(span.input, "filePath")
        let path: RepoPath
        switch try target(span, file, context) {
        case .failure(let box): return box.outcome
        case .success(let p): path = p
        }
        let edits: [JSON] = multi ? (span.input?["edits"]?.arrayValue ?? []) : [span.input ?? .null]
        if edits.isEmpty && span.status != .error {
            return Outcome(verdict: .mismatch, paths: [path], note: "multiedit with no edits")
        }
        // The recorded before-image is the whole file: reconciled like every dialect's (a
        // difference an earlier shell call or the start state explains is recovered).
        let recorded = span.status == .ok ? span.details?["filediff"] : nil
        var drift: [Drift] = []
        if let text = recorded?["before"]?.stringValue {
            drift = try context.reconcile(path, observed: Array(text.utf8), kind: .beforeImage)
        }
        let before = try context.workspace.read(path)
        let isDirectory = try context.workspace.entry(path) == .directory
        var current = before
        var result: FileEdit = .failure("no edits")
        for e in edits {
            guard let old = string(e, "oldString"), let new = string(e, "newString") else {
                result = .failure("input lacks oldString or newString")
                break
            }
            result = try OpenCodeEdit.apply(
                to: current, old: old, new: new, replaceAll: e["replaceAll"]?.boolValue ?? false,
                isDirectory: isDirectory, path: file ?? path.value)
            guard case .write(let bytes) = result else { break }
            current = bytes
        }
        var outcome = try context.settle(result, path: path, span: span)
        // The after-image only when the before-image agreed: one drift explains the other.
        if drift.isEmpty, outcome.verdict == .applied, let after = recorded?["after"]?.stringValue, let written = current,
            var d = Drift.compare(recorded: Array(after.utf8), replayed: written, kind: .afterImage, path: path.value)
        {
            d.suspects = context.suspects(path)
            drift.append(d)
        }
        outcome.drift += drift
        return outcome
    }

    func write(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        let path: RepoPath
        switch try target(span, string(span.input, "filePath"), context) {
        case .failure(let box): return box.outcome
        case .success(let p): path = p
        }
        guard let content = string(span.input, "content") else {
            return try context.settle(.failure("input lacks content"), path: path, span: span)
        }
        var drift: [Drift] = []
        if span.status == .ok, let existed = span.details?["exists"]?.boolValue {
            if !existed {
                // It did not exist: an observation of the whole file's absence.
                drift += try context.reconcile(path, observed: nil, kind: .existence)
            } else if try context.workspace.read(path) == nil {
                drift.append(context.missing(path, recorded: "(file existed: write overwrote it)"))
            }
        }
        var outcome = try context.settle(.write(Array(content.utf8)), path: path, span: span)
        outcome.drift += drift
        return outcome
    }

    /// A recorded before-image against the file replay held, and a recorded after-image
    /// against what replay wrote (the before-image first: one drift explains the other). For
    /// `apply_patch`, whose records are read once its edits are pending (`reconcile` is for an
    /// observation before a call's own edits).
    func images(before: String?, after: String?, current: [UInt8]?, written: [UInt8]?, path: RepoPath, _ context: ReplayContext) -> [Drift] {
        if let before {
            if current == nil, !before.isEmpty {
                return [
                    context.missing(path, recorded: "(file with content)")
                ]
            }
            if let current,
                var d = Drift.compare(
                    recorded: Bytes.normalisingCRLF(Array(before.utf8)), replayed: Bytes.normalisingCRLF(current),
                    kind: .beforeImage, path: path.value)
            {
                d.suspects = context.suspects(path)
                return [d]
            }
        }
        if let after, let written, var d = Drift.compare(recorded: Array(after.utf8), replayed: written, kind: .afterImage, path: path.value) {
            d.suspects = context.suspects(path)
            return [d]
        }
        return []
    }
}
