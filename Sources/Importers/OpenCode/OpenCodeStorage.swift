import Trace

/// An OpenCode session as OpenCode itself keeps it on disk (its JSON file storage,
/// `$XDG_DATA_HOME/opencode/storage/`, default `~/.local/share/opencode/storage/`), put
/// together into the document `opencode export` prints, so one importer reads both:
///
/// - `session/<project id>/<session id>.json`: the session (`Session.Info`: `id`,
///   `projectID`, `directory`, `version`, `time`) — the export's `info`;
/// - `message/<session id>/<message id>.json`: each message's `info`, in id order (OpenCode's
///   ids sort by time);
/// - `part/<message id>/<part id>.json`: each message's parts, in id order.
///
/// A message or part file that is not JSON is an error naming it; a missing folder holds
/// none.
enum OpenCodeStorage {
    /// Whether `info` (a parsed file) is a stored session rather than an export.
    static func isStoredSession(_ value: JSON) -> Bool {
        value["messages"] == nil && value["id"]?.stringValue?.hasPrefix("ses_") == true && value["projectID"] != nil
    }

    /// The storage folder of a session file `…/storage/session/<project>/<id>.json`.
    static func storage(ofSessionFile path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[parts.count - 3] == "session" else { return nil }
        return parts.dropLast(3).joined(separator: "/")
    }

    /// The export document for the stored session `info` read from `path`.
    static func export(info: JSON, path: String, displayName: String) throws(TraceError) -> JSON {
        guard let storage = storage(ofSessionFile: path), let id = info["id"]?.stringValue, !id.contains("/") else {
            throw TraceError(
                file: displayName, line: 1, field: "id",
                message: "an OpenCode session file read outside its storage folder (storage/session/<project>/<id>.json)")
        }
        var messages: [JSON] = []
        for name in Directory.files(in: "\(storage)/message/\(id)") where name.hasSuffix(".json") {
            let message = try document("\(storage)/message/\(id)/\(name)")
            guard let messageID = message["id"]?.stringValue, !messageID.contains("/") else { continue }
            var parts: [JSON] = []
            for part in Directory.files(in: "\(storage)/part/\(messageID)") where part.hasSuffix(".json") {
                parts.append(try document("\(storage)/part/\(messageID)/\(part)"))
            }
            messages.append(.object([("info", message), ("parts", .array(parts))]))
        }
        return .object([("info", info), ("messages", .array(messages))])
    }

    static func document(_ path: String) throws(TraceError) -> JSON {
        try LocatedJSON(path: path, displayName: path).root
    }
}
