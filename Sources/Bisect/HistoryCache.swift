import Foundation
import Git
import Trace

/// The history of a stored run, kept in the worktree folder once read, so the next bisect of
/// the same run skips walking its chain and parsing its trace (a few tens of milliseconds for
/// a thousand spans). A file per run, named by the chain's head commit and the stored trace's
/// blob id: both are content hashes, so an entry never goes stale; the eight most recent are
/// kept. NDJSON: the trace header, then one line per candidate, then one per model response.
enum HistoryCache {
    static let keep = 8

    static func path(folder: String, head: ObjectID, trace: ObjectID) -> String {
        folder + "/history/" + head.hex + "-" + trace.hex
    }

    static func load(_ path: String) -> History? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let lines = Array(data).split(separator: UInt8(ascii: "\n"))
        guard let first = lines.first, let top = try? JSONParser.parse(first),
            top["agentreplay_history"]?.intValue == 1, let headerJSON = top["header"],
            let header = try? NativeFormat.decodeHeader(headerJSON, file: path, line: 1),
            let baseTree = top["base_tree"]?.stringValue.flatMap(ObjectID.init(hex:))
        else { return nil }
        let baseCommit = top["base_commit"]?.stringValue.flatMap(ObjectID.init(hex:))
        let head = top["head"]?.stringValue.flatMap(ObjectID.init(hex:))
        var candidates: [History.Candidate] = []
        var responses: [Span.ID: String] = [:]
        for line in lines.dropFirst() {
            guard let v = try? JSONParser.parse(line) else { return nil }
            if let turn = v["turn"]?.stringValue, let text = v["text"]?.stringValue {
                responses[Span.ID(turn)] = text
                continue
            }
            guard let number = v["n"]?.intValue, let index = v["i"]?.intValue, let span = v["span"]?.stringValue,
                let name = v["name"]?.stringValue,
                let tree = v["tree"]?.stringValue.flatMap(ObjectID.init(hex:)),
                let parent = v["parent"]?.stringValue.flatMap(ObjectID.init(hex:)),
                let tokens = v["tokens"]?.arrayValue?.compactMap(\.intValue), tokens.count == 4
            else { return nil }
            candidates.append(
                History.Candidate(
                    number: Int(number), spanIndex: Int(index), spanID: Span.ID(span), name: name,
                    toolName: v["tool"]?.stringValue, callID: v["call"]?.stringValue,
                    turnID: v["turn_id"]?.stringValue.map(Span.ID.init),
                    commit: v["commit"]?.stringValue.flatMap(ObjectID.init(hex:)), tree: tree, parentTree: parent,
                    tokens: Usage(inputTokens: tokens[0], outputTokens: tokens[1], cacheReadTokens: tokens[2], cacheCreationTokens: tokens[3])))
        }
        return History(
            header: header, baseCommit: baseCommit, baseTree: baseTree, candidates: candidates,
            head: head, responses: responses)
    }

    /// Writes the entry (through a temporary file and a rename, so a reader never sees half
    /// of one) and drops the oldest beyond `keep`. Failures are ignored: it is a cache.
    static func save(_ history: History, to path: String) {
        func id(_ value: ObjectID?) -> JSON { value.map { .string($0.hex) } ?? .null }
        var out: [UInt8] = []
        JSONWriter.write(
            .object([
                ("agentreplay_history", .number(1)),
                ("header", NativeFormat.encode(history.header)),
                ("base_commit", id(history.baseCommit)),
                ("base_tree", .string(history.baseTree.hex)),
                ("head", id(history.head)),
            ]), into: &out)
        out.append(UInt8(ascii: "\n"))
        for c in history.candidates {
            JSONWriter.write(
                .object([
                    ("n", .number(c.number)), ("i", .number(c.spanIndex)), ("span", .string(c.spanID.rawValue)),
                    ("name", .string(c.name)), ("tool", c.toolName.map(JSON.string) ?? .null),
                    ("call", c.callID.map(JSON.string) ?? .null), ("turn_id", c.turnID.map { .string($0.rawValue) } ?? .null),
                    ("commit", id(c.commit)), ("tree", .string(c.tree.hex)), ("parent", .string(c.parentTree.hex)),
                    (
                        "tokens",
                        .array(
                            [c.tokens.inputTokens, c.tokens.outputTokens, c.tokens.cacheReadTokens, c.tokens.cacheCreationTokens].map { .number($0) })
                    ),
                ]), into: &out)
            out.append(UInt8(ascii: "\n"))
        }
        for (turn, text) in history.responses.sorted(by: { $0.key < $1.key }) {
            JSONWriter.write(.object([("turn", .string(turn.rawValue)), ("text", .string(text))]), into: &out)
            out.append(UInt8(ascii: "\n"))
        }
        let folder = (path as NSString).deletingLastPathComponent
        let manager = FileManager.default
        guard (try? manager.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil else { return }
        let temporary = path + ".\(getpid()).tmp"
        guard manager.createFile(atPath: temporary, contents: Data(out)), rename(temporary, path) == 0 else {
            try? manager.removeItem(atPath: temporary)
            return
        }
        let entries = ((try? manager.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasSuffix(".tmp") }
        guard entries.count > keep else { return }
        let dated = entries.map { name -> (String, Date) in
            let date = (try? manager.attributesOfItem(atPath: folder + "/" + name)[.modificationDate] as? Date) ?? .distantPast
            return (name, date)
        }
        for (name, _) in dated.sorted(by: { $0.1 > $1.1 }).dropFirst(keep) {
            try? manager.removeItem(atPath: folder + "/" + name)
        }
    }
}
