import Trace

/// `user` lines with a tool result whose call is not read yet, held until it is.
///
/// A Claude Code conversation is a tree of lines, each naming the line before it by
/// `parentUuid`; Claude Code reads a transcript by following that chain, not the file's order.
/// Claude Code 2.1.x sometimes writes a call's result line a few milliseconds before the
/// `assistant` line of the call itself (the result's `parentUuid` is the call line's `uuid`).
/// Such a result waits here, keyed by its parent, and is read right after its parent line.
///
/// A result whose call never comes is kept as a call with no name or input
/// (`ClaudeCodeImporter.State.orphanSpan`), marked `callMissing`: the log begins after the
/// call was made (an excerpt of a longer session), or lost the call's line. It is released
/// when a line that continues the conversation after it comes (a child of its line), or at
/// the end of the file.
///
/// Only lines that need it are held, so a log in order costs one emptiness test per line.
struct ClaudeCodeEarlyResults {
    /// The attribute that marks a tool span whose call the log does not hold.
    static let callMissing = "agentreplay.call_missing"

    struct Held {
        var line: FieldDecoder
        var sequence: Int
        var agentFile: Bool
        var uuid: String?
        var parent: String
        /// The order it was held in.
        var order: Int
    }

    private var byParent: [String: [Held]] = [:]
    /// The parent each held line waits for, by the held line's own `uuid`.
    private var parentOf: [String: String] = [:]
    private var count = 0

    var isEmpty: Bool { byParent.isEmpty }

    /// Holds `line` until the line `parent` comes; false when it names no parent (it is read
    /// at once then, its unknown calls kept as calls the log lacks).
    mutating func hold(_ line: FieldDecoder, parent: String?, uuid: String?, sequence: Int, agentFile: Bool) -> Bool {
        guard let parent else { return false }
        byParent[parent, default: []].append(Held(line: line, sequence: sequence, agentFile: agentFile, uuid: uuid, parent: parent, order: count))
        count += 1
        if let uuid { parentOf[uuid] = parent }
        return true
    }

    /// The lines waiting for the line `uuid`, in the order they were held.
    mutating func removeAnswers(to uuid: String) -> [Held] {
        guard let held = byParent.removeValue(forKey: uuid) else { return [] }
        for h in held { if let u = h.uuid { parentOf[u] = nil } }
        return held
    }

    /// The held line whose `uuid` is `parent`: a line continues the conversation after it,
    /// so the call it waits for will not come before it.
    mutating func removeChild(of parent: String) -> Held? {
        guard let waitsFor = parentOf.removeValue(forKey: parent), var list = byParent[waitsFor],
            let i = list.firstIndex(where: { $0.uuid == parent })
        else { return nil }
        let held = list.remove(at: i)
        byParent[waitsFor] = list.isEmpty ? nil : list
        return held
    }

    /// Every line still held, in the order they were held.
    mutating func removeAll() -> [Held] {
        let all = byParent.values.joined().sorted { $0.order < $1.order }
        byParent = [:]
        parentOf = [:]
        return all
    }
}
