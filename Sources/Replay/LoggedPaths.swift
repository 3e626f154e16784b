import ToolSemantics
import Trace

/// The files a tool call names, read from its recorded input alone (no replay): what a
/// session listing counts as "files changed" (`edited`), and what `show` lists for a session
/// it could not replay (`named`).
public enum LoggedPaths {
    /// Tools that write the file named by one input member, by agent.
    static let singleFile: [String: String] = [
        "Edit": "file_path", "MultiEdit": "file_path", "Write": "file_path", "NotebookEdit": "notebook_path",  // Claude Code
        "replace": "file_path", "write_file": "file_path",  // Gemini CLI
        "edit": "filePath", "multiedit": "filePath", "write": "filePath",  // OpenCode
    ]
    /// Tools whose input is an `apply_patch` patch (Codex, OpenCode).
    static let patchTools: Set<String> = ["apply_patch", "applypatch", "patch"]

    /// Members other tools name a file by (reads: Claude Code's `Read`, Gemini's `read_file`,
    /// OpenCode's `read`, editors' `path`).
    static let pathKeys = ["file_path", "filePath", "notebook_path", "absolute_path", "path"]

    /// The paths an edit tool call the log records as succeeded changed, relative to `root`
    /// when below it.
    public static func edited(by span: Span, root: String?) -> [String] {
        guard !span.failed else { return [] }
        return edits(span, root: root)
    }

    /// The paths a tool call names, edit or not, failed or not, relative to `root` when below it.
    public static func named(by span: Span, root: String?) -> [String] {
        let edited = edits(span, root: root)
        if !edited.isEmpty { return edited }
        guard span.kind == .tool, let input = span.input else { return [] }
        for key in pathKeys { if let path = input[key]?.stringValue { return [relative(path, to: root)] } }
        return []
    }

    static func edits(_ span: Span, root: String?) -> [String] {
        guard span.kind == .tool, let tool = span.toolName, let input = span.input else { return [] }
        var found: [String] = []
        if let key = singleFile[tool], let path = input[key]?.stringValue {
            found = [path]
        } else if patchTools.contains(tool),
            let patch = input["input"]?.stringValue ?? input["patch"]?.stringValue ?? input["patchText"]?.stringValue ?? input.stringValue
        {
            found = patchPaths(patch)
        }
        return found.map { relative($0, to: root) }
    }

    /// The files an `apply_patch` patch adds, updates, deletes or moves to.
    static func patchPaths(_ patch: String) -> [String] {
        let markers = ["*** Add File: ", "*** Update File: ", "*** Delete File: ", "*** Move to: "]
        var paths: [String] = []
        for line in patch.splitLines(startingWith: UInt8(ascii: "*")) {
            for marker in markers where line.hasPrefixBytesFirst(marker) {
                let path = trimmed(line.dropFirst(marker.count))
                if !path.isEmpty { paths.append(path) }
            }
        }
        return paths
    }

    static func trimmed(_ s: Substring) -> String {
        var s = s
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return String(s)
    }

    public static func relative(_ path: String, to root: String?) -> String {
        guard let root, path.hasPrefix(root + "/") else { return path }
        return String(path.dropFirst(root.count + 1))
    }
}
