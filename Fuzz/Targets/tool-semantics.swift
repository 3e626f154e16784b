import ToolSemantics
import Trace

/// Fuzz target `tool-semantics`: every editor of the `ToolSemantics` module on one input
/// (linked against the module as a whole, as replay uses it).
///
/// The input is up to four parts separated by NUL bytes: a file (an empty first part with no
/// NUL after it stands for no file), an old string, a new string, and a number of lines or
/// occurrences. Each editor gets the same arguments: Claude Code's `Edit` (once, and with
/// `replace_all`), Gemini CLI's `replace`, OpenCode's `edit` (and `replaceAll`), SWE-agent's
/// and OpenHands' `str_replace` and `insert`, SWE-agent 0.x's `edit N:M`, Claude Code's
/// `NotebookEdit` (the file read as a notebook, the old string as the call's input), a
/// recorded `structuredPatch` (the old string read as its hunks), OpenCode's `apply_patch`
/// (the old string read as a patch, applied to the file), the editors' views read from the new
/// string and checked against the file, and a recorded path mapped into a repository.
///
/// Besides not crashing, hanging or allocating past the file limit, each result must be what
/// the editor's contract says: a successful replacement holds the new string, a refusal
/// leaves nothing written, and a mapped path stays inside the repository.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = FuzzInput.bytes(data, size)
    let parts = bytes.split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false).map(Array.init)
    let part = { (i: Int) -> [UInt8] in i < parts.count ? parts[i] : [] }
    let file: [UInt8]? = parts.count == 1 && parts[0].isEmpty ? nil : part(0)
    let old = String(decoding: part(1), as: UTF8.self), new = String(decoding: part(2), as: UTF8.self)
    let number = Int64(String(decoding: part(3).prefix(6), as: UTF8.self)) ?? 1
    let limits = ReplayLimits(fileBytes: 1 << 20, spanBytes: 4 << 20, spanPaths: 1_000, pathDepth: 64)

    for all in [false, true] {
        let edit = try? ClaudeCodeEdit.apply([.init(old: Array(old.utf8), new: Array(new.utf8), replaceAll: all)], to: file, limits: limits)
        if case .write(let out)? = edit {
            FuzzInput.require(out.count <= limits.fileBytes, "Claude Code's edit wrote past the file limit")
            let lf = Bytes.normalisingCRLF(out)
            FuzzInput.require(new.utf8.contains(0x0D) || new.isEmpty || Bytes.contains(Array(new.utf8), in: lf), "the new string is not in the file")
        }
        if case .write(let out)? = try? OpenCodeEdit.apply(
            to: file, old: old, new: new, replaceAll: all, isDirectory: false, path: "f", limits: limits)
        {
            FuzzInput.require(out.count <= limits.fileBytes, "OpenCode's edit wrote past the file limit")
        }
    }
    if case .write(let out)? = try? GeminiEdit.apply(to: file, old: old, new: new, expected: number, path: "f", limits: limits) {
        FuzzInput.require(out.count <= limits.fileBytes, "Gemini's replace wrote past the file limit")
    }

    let text = file ?? []
    for result in [
        SWEAgentEditor.replace(in: SWEAgentEditor.read(text).bytes, old: old, new: new, path: "f"),
        SWEAgentEditor.insert(in: SWEAgentEditor.read(text).bytes, line: number, new: new),
    ] {
        if case .success(let out) = result { _ = SWEAgentEditor.write(out, as: .latin1) }
    }
    if case .success(let out) = OpenHandsEditor.replace(in: text, old: old, new: new, path: "f"), !old.isEmpty, !OpenHandsEditor.strip(new).isEmpty {
        FuzzInput.require(Bytes.contains(Array(OpenHandsEditor.strip(new).utf8), in: out), "the new string is not in the file")
    }
    _ = OpenHandsEditor.insert(in: text, line: number, new: new)
    let lines = SWEAgentLineEdit.lineCount(text)
    if case .success(let range) = SWEAgentLineEdit.range([old]), range.start >= 1, range.start <= lines + 1, range.end <= lines + 1 {
        _ = SWEAgentLineEdit.apply(text, start: range.start, end: range.end, text: Array(new.utf8))
    }

    if let input = try? JSONParser.parse(Array(old.utf8)) {
        _ = NotebookEdit(input: input).apply(to: file)
        if let hunks = input.arrayValue { _ = StructuredPatch.apply(hunks, to: text) }
    }
    if let patch = try? OpenCodePatch.parse(old) {
        for case .update(let path, _, let chunks) in patch.hunks {
            _ = OpenCodePatch.update(String(decoding: text, as: UTF8.self), chunks: chunks, path: path)
        }
    }

    if let path = try? RepoPath.map(new, root: "/r", workingDirectory: old.hasPrefix("/") ? old : nil).get() {
        FuzzInput.require(
            !path.value.isEmpty && !path.value.hasPrefix("/") && !path.value.split(separator: "/").contains(".."), "\(path) escapes the root")
    }
    let shownAt = RepoPath(unchecked: "f")
    for snippet in [false, true] {
        _ = OpenHandsView(observation: new, snippet: snippet)?.compare(with: text, path: shownAt, kind: .observation)
    }
    _ = OpenHandsDiff.check(new, before: text, after: Array(old.utf8), path: shownAt)
    for view in SWEAgentWindowView.all(in: new).prefix(4) { _ = view.compare(with: text, path: shownAt, kind: .observation) }
    return 0
}
