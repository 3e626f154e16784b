import Foundation
import ToolSemantics
import Trace

/// SWE-agent 0.x's windowed commands, replayed as their shell functions (`defaults.sh`,
/// `edit_linting.sh`, `search.sh` of SWE-agent 0.1–0.7) run them:
///
/// - `open FILE [N]`, `goto N`, `scroll_down`, `scroll_up` move the window
///   (`SWEAgentWindow`); the window each prints is checked against the replayed file: its
///   line count, every line shown and, while replay knows where the window stands, which
///   lines it shows (`observation` drift);
/// - `create FILE` writes a file holding one empty line (`printf "\n"`) and opens it; a path
///   that exists is refused (`Error: File '…' already exists.`) and opened;
/// - `edit N:M` replaces lines N to M of the open file (`SWEAgentLineEdit`); for a `.py` file
///   flake8 may find new errors, and then the function puts the file back: replay cannot run
///   flake8, so the observation decides (`Your proposed edit has introduced new syntax
///   error(s)…`: nothing written, the two windows it printed checked against the edit's result
///   and the file); otherwise the window it printed is checked against the file it wrote
///   (`after-image` drift);
/// - `search_file` shows lines (`Line N:TEXT`), checked against the file; `search_dir` and
///   `find_file` only read, and are served.
///
/// Each 0.x step records its `state` (open file, working directory) before the action; the
/// importer keeps it on the span and replay takes it as the truth of where the shell stood.
/// A shell command that calls the functions itself leaves the window's line unknown, and one
/// that calls `edit` or `create` among other commands is `not-replayable`. The windowed tools
/// of SWE-agent 1.x (`tools/windowed*`, Python) differ in their details: their edits are
/// `not-replayable`, their views served.
extension SWEAgentDialect {
    static let windowedCommands: Set<String> = [
        "open", "goto", "scroll_up", "scroll_down", "create", "edit", "search_file", "search_dir", "find_file",
    ]
    /// The importer's `SWEAgentState.openFileAttribute`.
    static let openFileAttribute = "agentreplay.swe_agent.open_file"

    /// The open file and working directory a 0.x step recorded before it ran.
    func adoptRecordedState(_ span: Span) {
        guard let open = span.attributes[Self.openFileAttribute]?.stringValue else { return }
        if let directory = span.attributes[GenAI.workingDirectory]?.stringValue { shell.recorded(directory: directory) }
        let file: String? = open == "n/a" ? nil : open
        if file != window.file || windowFileUnknown {
            window.file = file
            window.line = nil
        }
        windowFileUnknown = false
    }

    /// The commands at the start of each line or after `;`, `&&`, `||`, `|`, `(` of a shell
    /// command (a rough reading: enough to see whether it calls a windowed function).
    static func commandWords(_ command: String) -> [String] {
        var text = command
        for separator in ["&&", "||", ";", "|", "(", ")", "{", "}", "`", "$("] { text = text.replacingOccurrences(of: separator, with: "\n") }
        return text.split(separator: "\n").compactMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) }
    }

    /// A shell command that calls a windowed function moves the window where replay cannot
    /// follow; `open` or `create` change the open file too.
    func loseWindowIfCalled(_ span: Span) {
        let words = Self.commandWords(span.input?["command"]?.stringValue ?? "")
        guard words.contains(where: Self.windowedCommands.contains) else { return }
        window.line = nil
        if words.contains("open") || words.contains("create") { windowFileUnknown = true }
    }

    /// A shell command that calls `edit` or `create` among others: not replayed.
    func windowedInShell(_ span: Span) -> Outcome? {
        let words = Self.commandWords(span.input?["command"]?.stringValue ?? "")
        guard let call = words.first(where: { $0 == "edit" || $0 == "create" }) else { return nil }
        return Outcome(
            verdict: .notReplayable, note: "`\(call)` called within a shell command replay cannot take apart: its effect is not replayed",
            unseenEffects: true)
    }

    func windowed(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        let name = span.toolName ?? ""
        let changes = name == "edit" || name == "create"
        if let version = context.header.agentVersion, !version.hasPrefix("0.") {
            if changes {
                return Outcome(verdict: .notReplayable, note: "`\(name)` of SWE-agent \(version)'s windowed tools is not replayed (only 0.x's)")
            }
            return Outcome(verdict: .served, note: "SWE-agent \(version)'s windowed tools are not checked (only 0.x's)")
        }
        let input = span.input ?? .null
        if let problem = input["problem"]?.stringValue { return Outcome(verdict: .notReplayable, note: "`\(name)`: \(problem)") }
        if span.status == .unset {
            return changes ? Outcome(verdict: .noResult, note: "the log has no result for this call; not applied") : .served
        }
        let arguments = input["arguments"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let observation = span.output?.stringValue ?? ""
        switch name {
        case "open": return try open(arguments, observation, span, context)
        case "goto", "scroll_up", "scroll_down": return try move(name, arguments, observation, span, context)
        case "create": return try create(arguments, observation, span, context)
        case "edit": return try edit(arguments, text: input["text"]?.stringValue ?? "", observation, span, context)
        case "search_file": return try searchFile(arguments, observation, span, context)
        default: return .served
        }
    }

    // MARK: Paths

    /// `realpath`'s input made absolute against the shell's directory; nil when replay lost it.
    func absolute(_ argument: String, _ span: Span, _ context: ReplayContext) -> String? {
        if argument.hasPrefix("/") { return argument }
        let directory: String?
        switch shell.workingDirectory {
        case .some(.some(let d)): directory = d
        case .some(.none): directory = nil
        case .none: directory = span.attributes[GenAI.workingDirectory]?.stringValue ?? context.header.repoRoot
        }
        return directory.map { $0 == "/" ? "/" + argument : $0 + "/" + argument }
    }

    /// A path in SWE-agent's Linux container: a backslash is a character of a name, never a
    /// separator, and replay does not write such names.
    func map(_ absolute: String, _ span: Span, _ context: ReplayContext) -> Result<RepoPath, RepoPath.Refusal> {
        if absolute.contains("\\") { return .failure(.invalid(absolute, reason: "a backslash in a file name (SWE-agent runs on Linux)")) }
        return RepoPath.map(absolute, root: context.header.repoRoot)
    }

    func fileBytes(_ path: RepoPath, _ context: ReplayContext) throws -> [UInt8]? {
        if case .file(let bytes, _) = try context.workspace.entry(path) { return bytes }
        return nil
    }

    /// `view`'s check, with the span's suspects.
    func check(
        _ view: SWEAgentWindowView?, _ bytes: [UInt8], _ path: RepoPath, kind: Drift.Kind,
        expected: SWEAgentWindow.View?, _ context: ReplayContext
    ) -> [Drift] {
        guard let view, var drift = view.compare(with: bytes, path: path, kind: kind, expected: expected) else { return [] }
        drift.suspects = context.suspects(path)
        return [drift]
    }

    // MARK: Moving the window

    func open(_ arguments: [String], _ observation: String, _ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let argument = arguments.first, !argument.isEmpty else { return .served }
        var n: Int?
        if arguments.count > 1, !arguments[1].isEmpty {
            guard arguments[1].allSatisfy({ ("0"..."9").contains($0) }), arguments[1].count < 10 else { return .served }
            n = Int(arguments[1])
        }
        let shown = SWEAgentWindowView.all(in: observation).first
        guard let file = absolute(argument, span, context) else {
            if shown != nil { windowFileUnknown = true; window.line = nil }
            return Outcome(verdict: .served, note: "the shell's directory is unknown: not checked")
        }
        let path: RepoPath
        switch map(file, span, context) {
        case .failure(let refusal):
            if shown != nil { window.file = file; window.line = nil }
            return Outcome(verdict: .served, note: "\(refusal): not checked")
        case .success(let p): path = p
        }
        var outcome = Outcome(verdict: .served, paths: [path])
        switch try context.workspace.entry(path) {
        case .file(let bytes, _):
            let total = SWEAgentWindow.lineCount(bytes)
            if shown == nil {
                if observation.contains("File \(argument) not found") {
                    outcome.drift.append(context.present(path, recorded: "(no file)"))
                }
                return outcome
            }
            window.file = file
            let expected = window.show(at: SWEAgentWindow.openLine(n, total: total, size: window.size), total: total)
            outcome.drift = check(shown, bytes, path, kind: .observation, expected: expected, context)
        case .absent:
            if shown != nil {
                window.file = file
                window.line = nil
                outcome.drift.append(context.missing(path, recorded: "(opened)"))
            }
        default:
            break
        }
        return outcome
    }

    func move(_ name: String, _ arguments: [String], _ observation: String, _ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let file = window.file, case .success(let path) = map(file, span, context),
            let bytes = try fileBytes(path, context)
        else { return .served }
        let total = SWEAgentWindow.lineCount(bytes)
        var line: Double?
        switch name {
        case "goto":
            guard arguments.count == 1, arguments[0].allSatisfy({ ("0"..."9").contains($0) }), arguments[0].count < 10,
                let n = Int(arguments[0]), n <= total
            else { return Outcome(verdict: .served, paths: [path]) }
            line = SWEAgentWindow.target(n, size: window.size)
        default:
            line = window.scrolled(name == "scroll_down" ? 1 : -1)
        }
        let shown = SWEAgentWindowView.all(in: observation).first
        var expected: SWEAgentWindow.View?
        if let line { expected = window.show(at: line, total: total) }
        return Outcome(verdict: .served, paths: [path], drift: check(shown, bytes, path, kind: .observation, expected: expected, context))
    }

    // MARK: Changing files

    func create(_ arguments: [String], _ observation: String, _ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let argument = arguments.first, !argument.isEmpty else { return .served }
        guard let file = absolute(argument, span, context) else {
            return Outcome(verdict: .notReplayable, note: "the shell's directory is unknown: where `create \(argument)` wrote is not known")
        }
        let path: RepoPath
        switch map(file, span, context) {
        case .failure(let refusal): return context.refusal(refusal, span: span)
        case .success(let p): path = p
        }
        let entry = try context.workspace.entry(path)
        let edit: FileEdit
        if entry != .absent {
            edit = .failure("Error: File '\(argument)' already exists.")
        } else if span.status == .error, let message = observationError(span), message.contains("No such file or directory") {
            edit = .failure(message)  // git keeps no empty directories: the log's word
        } else {
            edit = .write([0x0A])
        }
        var outcome = try settle(edit, path: path, span: span, context)
        guard outcome.verdict == .applied || outcome.verdict == .failedAsRecorded, let bytes = try fileBytes(path, context) else { return outcome }
        if outcome.verdict == .applied { editors[path, default: []].append(span.id) }
        // Then `open`: the window on the file as it is now.
        let shown = SWEAgentWindowView.all(in: observation).first
        guard shown != nil else { return outcome }
        window.file = file
        let total = SWEAgentWindow.lineCount(bytes)
        let expected = window.show(at: SWEAgentWindow.openLine(nil, total: total, size: window.size), total: total)
        outcome.drift += check(shown, bytes, path, kind: outcome.verdict == .applied ? .afterImage : .observation, expected: expected, context)
        return outcome
    }

    func edit(_ arguments: [String], text: String, _ observation: String, _ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let file = window.file else {
            if windowFileUnknown {
                return Outcome(verdict: .notReplayable, note: "the open file is unknown (a shell command opened one): `edit` is not replayed")
            }
            return try settle(.failure("No file open. Use the `open` command first."), path: nil, span: span, context)
        }
        let range: (start: Int, end: Int)
        switch SWEAgentLineEdit.range(arguments) {
        case .failure(.usage(let message)): return try settle(.failure(message), path: nil, span: span, context)
        case .failure(.notModelled(let why)): return Outcome(verdict: .notReplayable, note: why)
        case .success(let r): range = r
        }
        let path: RepoPath
        switch map(file, span, context) {
        case .failure(let refusal): return context.refusal(refusal, span: span)
        case .success(let p): path = p
        }
        let current: [UInt8]
        switch try context.workspace.entry(path) {
        case .file(let bytes, _): current = bytes
        case .absent: current = []  // removed since it was opened: `mapfile` reads nothing, `printf` makes it again
        case .symlink, .submodule:
            if let refused = try context.refusalToWrite(path, span: span) { return refused }
            return Outcome(verdict: .refused, paths: [path], note: "the open file is a symlink or in a submodule")
        default:
            return Outcome(verdict: .notReplayable, paths: [path], note: "the open file is a directory now")
        }
        if current.contains(0) {
            return Outcome(verdict: .notReplayable, paths: [path], note: "the file holds NUL bytes, which bash's `mapfile` drops")
        }
        let replacement = Array(text.utf8)
        let edited = SWEAgentLineEdit.apply(current, start: range.start, end: range.end, text: replacement)
        let lineCount = SWEAgentLineEdit.lineCount(replacement)

        if observation.contains("Your proposed edit has introduced new syntax error(s)") {
            guard file.hasSuffix(".py") else {
                return Outcome(verdict: .mismatch, paths: [path], note: "recorded as undone by the linter, which checks only .py files")
            }
            var outcome = try settle(.failure("the linter (flake8) found new errors: the edit was undone"), path: path, span: span, context)
            guard outcome.verdict == .failedAsRecorded else { return outcome }
            // The edit as it would have looked, then the file as it is: each in its own window.
            let views = SWEAgentWindowView.all(in: observation)
            var would = SWEAgentWindow(file: file, size: Double(lineCount + 10))
            let wouldView = would.show(at: Double(lineCount / 2 + range.start - 1), total: SWEAgentWindow.lineCount(edited))
            var was = SWEAgentWindow(file: file, size: Double(range.end - range.start + 11))
            let wasView = was.show(at: Double((range.end - range.start + 2) / 2 + range.start - 1), total: SWEAgentWindow.lineCount(current))
            outcome.drift += check(views.first, edited, path, kind: .observation, expected: wouldView, context)
            if views.count > 1 { outcome.drift += check(views[1], current, path, kind: .observation, expected: wasView, context) }
            return outcome
        }
        var outcome = try settle(.write(edited), path: path, span: span, context)
        guard outcome.verdict == .applied else { return outcome }
        editors[path, default: []].append(span.id)
        let expected = window.show(at: Double(range.start - 1), total: SWEAgentWindow.lineCount(edited))
        outcome.drift += check(SWEAgentWindowView.all(in: observation).first, edited, path, kind: .afterImage, expected: expected, context)
        return outcome
    }

    // MARK: Searching

    /// `search_file TERM [FILE]`: `Line N:TEXT` for each matching line, checked against the file.
    func searchFile(_ arguments: [String], _ observation: String, _ span: Span, _ context: ReplayContext) throws -> Outcome {
        let target = arguments.count > 1 ? absolute(arguments[1], span, context) : window.file
        guard arguments.count >= 1, let target, case .success(let path) = map(target, span, context),
            let bytes = try fileBytes(path, context)
        else { return .served }
        let lines = SWEAgentLineEdit.lines(bytes)
        var outcome = Outcome(verdict: .served, paths: [path])
        for row in observation.split(separator: "\n", omittingEmptySubsequences: false) where row.hasPrefix("Line ") {
            let body = Array(row.utf8.dropFirst(5))
            guard let colon = body.firstIndex(of: UInt8(ascii: ":")), let n = Int(String(decoding: body[..<colon], as: UTF8.self)) else { continue }
            let recorded = Array(body[(colon + 1)...])
            let replayed = n >= 1 && n <= lines.count ? Array(lines[n - 1]) : nil
            if replayed != recorded {
                outcome.drift.append(
                    Drift(
                        kind: .observation, path: path.value, line: n, recorded: SWEAgentWindowView.show(recorded),
                        replayed: replayed.map(SWEAgentWindowView.show), suspects: context.suspects(path)))
                break
            }
        }
        return outcome
    }
}
