import Trace

/// Gemini CLI's `read_file`, checked against the replayed file. A whole read (no `offset`
/// or `limit`, and not cut short: gemini-cli then opens the text with "IMPORTANT: The file
/// content has been truncated") shows the model the file's text as it is, so it is compared
/// whole (line endings read as `\n`); a file the read found that replay does not have is drift
/// too. Partial reads and reads of images or PDFs (not text) are served unchecked.
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
              !text.contains("IMPORTANT: The file content has been truncated") else {
            outcome.synced = []
            return outcome
        }
        guard let current = try context.workspace.read(path) else {
            outcome.drift.append(Drift(kind: .existence, path: path.value, recorded: "(file read)", replayed: "(no file)", suspects: context.suspects(path)))
            return outcome
        }
        guard Bytes.isValidUTF8(current) else {
            outcome.synced = []
            return outcome
        }
        if var d = Drift.compare(recorded: Bytes.normalisingCRLF(Array(text.utf8)), replayed: Bytes.normalisingCRLF(current),
                                 kind: .observation, path: path.value) {
            d.suspects = context.suspects(path)
            outcome.drift.append(d)
        }
        return outcome
    }
}
