import ToolSemantics
import Trace

/// Gemini CLI's `read_file`, checked against the replayed file. A whole read (no `offset`
/// or `limit`, and not cut short: gemini-cli then opens the text with "IMPORTANT: The file
/// content has been truncated") shows the model the file's text as it is, so it is compared
/// whole (line endings read as `\n`); a file the read found that replay does not have is drift
/// too, and a difference an earlier step explains is recovered (`ReplayContext.reconcile`).
/// Partial reads and reads of images or PDFs (not text) are served unchecked.
enum GeminiRead {
    static func check(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        let input = span.input ?? .null
        guard let file = (input["file_path"] ?? input["absolute_path"])?.stringValue else { return .served }
        let path: RepoPath
        switch context.map(file, span: span) {
        case .failure: return Outcome(verdict: .served, note: "outside the repo: not checked")
        case .success(let p): path = p
        }
        var outcome = Outcome(verdict: .served, paths: [path])
        guard span.status == .ok, input["offset"] == nil, input["limit"] == nil, let text = span.output?.stringValue,
            !text.contains("IMPORTANT: The file content has been truncated")
        else {
            outcome.synced = []
            return outcome
        }
        if let current = try context.workspace.read(path), !Bytes.isValidUTF8(current) {
            outcome.synced = []
            return outcome
        }
        outcome.drift += try context.reconcile(path, observed: Array(text.utf8), kind: .observation)
        return outcome
    }
}
