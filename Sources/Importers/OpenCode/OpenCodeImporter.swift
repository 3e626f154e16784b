import Trace

/// Imports an OpenCode session as `opencode export <session>` writes it: one JSON document,
/// `{"info": Session.Info, "messages": [{"info": Message, "parts": [Part]}]}`; or a session
/// file of OpenCode's own storage (`storage/session/<project>/<id>.json`), whose messages and
/// parts are read from the storage's other folders (`OpenCodeStorage`; errors in them name
/// line 1 of the session file).
///
/// - `info`: `id` (the session, `ses_…`), `directory` (where OpenCode ran), `version`, `time`.
/// - A `user` message is a `user` span: the text of its `text` parts that are not `synthetic`
///   (OpenCode adds synthetic parts holding the files a prompt attached).
/// - An `assistant` message is one model step: an `llm` span (`modelID`, `tokens` — `input`
///   without the cache, `output`, `reasoning`, `cache.read`, `cache.write` — and `cost` as
///   recorded, its `text` parts as the response) with a `tool` span under it for each `tool`
///   part: `tool`, `callID`, `state.input` as `input`, `state.output` (or `state.error`) as
///   `output`, `state.metadata` as `details`, `state.time` as its times; `completed` is ok,
///   `error` failed, `pending`/`running` had no result. A message that ended in an `error`
///   (aborted, an API failure) adds an `error` event.
/// - A user message's `summary.diffs` (what its turn changed, per file, as OpenCode worked it
///   out from its snapshots) becomes a `turn-summary` tool span after the turn's last step.
///
/// The repo root is the first assistant message's `path.root` (the git worktree OpenCode
/// found), else `info.directory`; `path.cwd` is each tool span's working directory.
public struct OpenCodeImporter: LogImporter {
    public static let format = SourceFormat.openCode
    public let source: Importer.Source
    public init(source: Importer.Source) { self.source = source }

    public func read() throws(TraceError) -> Trace {
        let document = try LocatedJSON(path: path, displayName: displayName)
        var root = document.root
        var offsets: [Int] = []
        let stored = OpenCodeStorage.isStoredSession(root)
        if stored {
            root = try OpenCodeStorage.export(info: root, path: path, displayName: displayName)
        } else {
            offsets = document.member("messages", at: document.rootOffset).map(document.elements(at:)) ?? []
        }
        let top = try FieldDecoder(root, file: displayName, line: document.line(of: document.rootOffset))
        let info = try top.object("info")
        guard let messages = try top.optionalArray("messages") else {
            throw top.error("messages", "missing: not an OpenCode export (`opencode export` writes `info` and `messages`)")
        }
        let sessionID = try info.string("id")
        var reader = OpenCodeMessages(file: displayName, directory: try info.optionalString("directory"))
        reader.rules = (info["permission"]?.arrayValue ?? []).compactMap { rule in
            guard let name = rule["permission"]?.stringValue, let action = rule["action"]?.stringValue else { return nil }
            return name + ":" + (rule["pattern"]?.stringValue ?? "*") + ":" + action
        }
        for (i, message) in messages.enumerated() {
            let offset = i < offsets.count ? offsets[i] : nil
            let line = offset.map(document.line(of:)) ?? document.line(of: document.rootOffset)
            let count = message["parts"]?.arrayValue?.count ?? 0
            let partLines =
                stored
                ? Array(repeating: 1, count: count)
                : document.elementLines(at: offset.flatMap { document.member("parts", at: $0) }, count: count)
            try reader.read(message, index: i, line: line, partLines: partLines)
        }
        reader.finishTurn()
        let directory = try info.optionalString("directory")
        let header = self.header(
            traceID: StableID.trace(sessionID), agent: .openCode, version: try info.optionalString("version"),
            root: reader.root ?? directory)
        return Trace(header: header, spans: reader.spans)
    }
}
