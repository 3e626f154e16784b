import Trace

/// Imports a Gemini CLI session file (`~/.gemini/tmp/<project>/chats/session-*.json`, or
/// `.jsonl` since gemini-cli moved to appending records).
///
/// Two shapes are read. The JSON file is one `ConversationRecord`: `sessionId`,
/// `projectHash`, `startTime`, `lastUpdated`, `messages`. The JSONL file starts with that
/// metadata (no `messages`) and then appends records as the session goes: a message (a
/// record with an `id`; a message written again replaces the earlier one, keeping its
/// place), `{"$set": {…}}` (metadata; a `messages` member there replaces the list) and
/// `{"$rewindTo": id}` (the messages from that one on are dropped). The messages left are
/// what gemini-cli itself loads (`loadConversationRecord`).
///
/// Each message: `user` is a `user` span; `gemini` is an `llm` span (text, `model`, `tokens`)
/// with a `tool` span per element of `toolCalls` (`id`, `name`, `args` as `input`, the
/// `functionResponse`'s `output` or `error` as `output`, `resultDisplay` as `details`,
/// `status` `success`/`error`/`cancelled`); `info`, `warning` and `error` are events.
///
/// The file names the project only by its hash; the repo root is the directory whose
/// SHA-256 that is, found among the paths the session used and the absolute paths its calls'
/// results give for the relative paths they named (`--recorded-root` names it otherwise).
/// Every tool span carries that folder (`agentreplay.gemini.ran_in`) when the hash confirmed
/// it: replay works out which folder of the repository it is (`GeminiPlacement`); with
/// `--recorded-root` naming a folder above it, the spans' working directory is that folder.
public struct GeminiImporter: LogImporter {
    public static let format = SourceFormat.gemini
    public let source: Importer.Source
    public init(source: Importer.Source) { self.source = source }

    public func read() throws(TraceError) -> Trace {
        let conversation = try isJSONL() ? readJSONL() : readJSON()
        guard let sessionID = conversation.sessionID else {
            throw TraceError(file: displayName, line: 1, field: "sessionId", message: "missing: not a Gemini CLI session file")
        }
        var reader = GeminiMessages(file: displayName)
        for message in conversation.messages {
            try reader.read(message.value, line: message.line, path: message.path)
        }
        // The folder the session ran in, confirmed by the projectHash: the paths its calls
        // named first (as before), then the folders their results show.
        var found: (root: String, from: GeminiProjectRoot.Candidate)?
        if let hash = conversation.projectHash {
            let listed = conversation.directories.map { GeminiProjectRoot.Candidate(path: $0, span: nil, source: .directories) }
            found = GeminiProjectRoot.find(hash: hash, candidates: listed + reader.absolutePaths + reader.recordedFolders)
        }
        var root = options.recordedRoot ?? found?.root
        if root == nil { root = GeminiProjectRoot.marker(besideChatsOf: path) }
        if let found, let top = options.recordedRoot {
            // The repository's top named (`--recorded-root`) above that folder: relative paths
            // are resolved against the folder, as gemini-cli resolved them.
            if found.root != top, found.root.hasPrefix(top.hasSuffix("/") ? top : top + "/") { reader.mark(workingDirectory: found.root) }
        } else if let found {
            reader.mark(ranIn: found.root, by: found.from)
        }
        let header = self.header(traceID: StableID.trace(sessionID), agent: .gemini, root: root)
        return Trace(header: header, spans: reader.spans)
    }

    /// The messages of a session, each with the line its record is on and its path in errors.
    struct Conversation {
        var sessionID: String?
        var projectHash: String?
        var directories: [String] = []
        var messages: [(value: JSON, line: Int, path: String)] = []
    }

    /// Whether the file is JSONL: its first line is the metadata record on its own.
    func isJSONL() throws(TraceError) -> Bool {
        let lines = try LineReader(path: path)
        while let line = try lines.next() {
            if JSONLines.isBlank(line) { continue }
            guard let value = try? JSONParser.parse(line), value.objectValue != nil else { return false }
            return value["messages"] == nil
        }
        throw TraceError(file: displayName, line: 0, message: "empty file: no session recorded in it")
    }

    func readJSON() throws(TraceError) -> Conversation {
        let document = try LocatedJSON(path: path, displayName: displayName)
        let top = try FieldDecoder(document.root, file: displayName, line: document.line(of: document.rootOffset))
        var conversation = Conversation(sessionID: try top.optionalString("sessionId"), projectHash: try top.optionalString("projectHash"))
        conversation.directories = try Self.strings(top, "directories")
        guard let messages = try top.optionalArray("messages") else {
            throw top.error("messages", "missing: not a Gemini CLI session file")
        }
        let lines = document.elementLines(at: document.member("messages", at: document.rootOffset), count: messages.count)
        conversation.messages = messages.enumerated().map { ($1, lines[$0], "messages[\($0)]") }
        return conversation
    }

    func readJSONL() throws(TraceError) -> Conversation {
        var conversation = Conversation()
        var order: [String] = []
        var byID: [String: (value: JSON, line: Int, path: String)] = [:]
        let log = try JSONLines(path: path, displayName: displayName)
        // gemini-cli skips lines it cannot parse; a cut-off last line is the usual one.
        while case .object(let record) = try log.next() {
            let n = record.line
            if let target = try record.optionalString("$rewindTo") {
                if let at = order.firstIndex(of: target) {
                    for id in order[at...] { byID[id] = nil }
                    order.removeSubrange(at...)
                } else {
                    order.removeAll()
                    byID.removeAll()
                }
            } else if let set = try record.optionalObject("$set") {
                if let sessionID = try set.optionalString("sessionId") { conversation.sessionID = sessionID }
                if let hash = try set.optionalString("projectHash") { conversation.projectHash = hash }
                if set.has("directories") { conversation.directories = try Self.strings(set, "directories") }
                if let messages = try set.optionalArray("messages") {
                    // The whole list, as the session held it then; records after it go on from it.
                    order.removeAll()
                    byID.removeAll()
                    for (i, message) in messages.enumerated() {
                        let d = try record.element(message, i, of: "$set.messages")
                        let id = try d.string("id")
                        if byID[id] == nil { order.append(id) }
                        byID[id] = (message, n, "$set.messages[\(i)]")
                    }
                }
            } else if let id = try record.optionalString("id") {
                if byID[id] == nil { order.append(id) }
                byID[id] = (.object(record.members), n, "")
            } else if let sessionID = try record.optionalString("sessionId") {
                conversation.sessionID = sessionID
                if let hash = try record.optionalString("projectHash") { conversation.projectHash = hash }
                if record.has("directories") { conversation.directories = try Self.strings(record, "directories") }
            }
        }
        conversation.messages = order.compactMap { byID[$0] }
        return conversation
    }

    static func strings(_ d: FieldDecoder, _ key: String) throws(TraceError) -> [String] {
        guard let list = try d.optionalArray(key) else { return [] }
        var out: [String] = []
        for (i, value) in list.enumerated() {
            guard let s = value.stringValue else { throw d.error("\(key)[\(i)]", "expected a string, found \(value.typeDescription)") }
            out.append(s)
        }
        return out
    }
}
