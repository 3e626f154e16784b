import Dispatch
import Git
import Replay
import RunStore
import Trace

/// A run already in the repository: the chain of commits a `agentreplay run` made (found
/// from its head, `refs/agentreplay/last` by default) and the trace stored with it at
/// `refs/agentreplay/traces/<trace id>`. Each commit names its span and trace in trailers
/// (`Agentreplay-Span:`, `Agentreplay-Trace:`); the chain ends at the first commit that
/// names no trace, the base. A "Session start" commit (the session began on a dirty tree)
/// gives the base tree.
public enum StoredRun {
    /// The history of the run whose chain ends at `head` (default: the last run). With a
    /// `cache` folder, it is read from there when an earlier bisect kept it (`HistoryCache`),
    /// and kept there otherwise.
    public static func history(head: ObjectID? = nil, in repository: Repository, cache: String? = nil) throws -> History {
        guard let head = try head ?? repository.reference(RunRefs.last) else {
            throw BisectError.invalid(
                "no run in this repository (\(RunRefs.last) does not exist): run `agentreplay run TRACE --repo .` first, or name a trace")
        }
        guard let traceID = try RunRefs.traceID(ofCommit: head, in: repository) else {
            throw BisectError.invalid(
                "\(head.hex.prefix(12)) is not a commit of a run (no Agentreplay-Trace trailer): the last run changed no files?")
        }
        guard let stored = try repository.reference(RunRefs.traceName(traceID)),
            let blob = try repository.entry(in: try repository.tree(ofCommit: stored), path: RunRefs.traceFile)?.id
        else {
            throw BisectError.invalid(
                "the trace of run \(traceID) is not stored at \(RunRefs.traceName(traceID)): run `agentreplay run TRACE --repo .` again, or name the trace"
            )
        }
        let cached = cache.map { HistoryCache.path(folder: $0, head: head, trace: blob) }
        if let cached, let history = HistoryCache.load(cached) { return history }
        let bytes = try repository.blob(blob)
        // Parse the trace on another core while this one walks the chain (libgit2 stays on
        // this thread: a repository handle is for one thread at a time).
        let name = RunRefs.traceName(traceID) + ":" + RunRefs.traceFile
        let parsing = Background { () throws(any Error) -> Trace in try TraceReader.read(bytes: bytes, name: name) }

        // Walk back to the base.
        var links: [(commit: ObjectID, span: Span.ID)] = []
        var startTree: ObjectID?
        var baseCommit: ObjectID?
        var commit: ObjectID? = head
        while let current = commit {
            let trailers = Self.trailers(try repository.commitMessage(current))
            guard trailers["Agentreplay-Trace"] == traceID else {
                baseCommit = current
                break
            }
            if let span = trailers["Agentreplay-Span"] {
                links.append((current, Span.ID(span)))
            } else {
                startTree = try repository.tree(ofCommit: current)
            }
            commit = try repository.commitParents(current).first
        }
        links.reverse()
        let baseTree = try startTree ?? baseCommit.map { try repository.tree(ofCommit: $0) } ?? ObjectID.emptyTree
        let trace = try parsing.value()
        var indexOf: [Span.ID: Int] = [:]
        for (index, span) in trace.spans.enumerated() { indexOf[span.id] = index }
        // A commit's trailer holds the span id made inert (`VisibleText.escape`): an id with a
        // control character in it is found by that form.
        var indexOfTrailer = indexOf
        for (index, span) in trace.spans.enumerated() where VisibleText.escape(span.id.rawValue) != span.id.rawValue {
            indexOfTrailer[Span.ID(VisibleText.escape(span.id.rawValue))] = index
        }

        var candidates: [History.Candidate] = []
        var parent = baseTree
        for link in links {
            guard let index = indexOfTrailer[link.span] else {
                throw BisectError.invalid("commit \(link.commit.hex.prefix(12)) names span \(link.span), which the stored trace does not have")
            }
            let span = trace.spans[index]
            let tree = try repository.tree(ofCommit: link.commit)
            let turn = span.parentID.flatMap { indexOf[$0] }.map { trace.spans[$0] }.flatMap { $0.kind == .llm ? $0.id : nil }
            candidates.append(
                History.Candidate(
                    number: candidates.count + 1, spanIndex: index, spanID: span.id, name: span.name,
                    toolName: span.toolName, callID: span.toolCallID, turnID: turn, commit: link.commit,
                    tree: tree, parentTree: parent, tokens: Usage()))
            parent = tree
        }
        let history = History(
            header: trace.header, baseCommit: baseCommit, baseTree: baseTree,
            candidates: candidates, head: head, spans: trace.spans)
        if let cached { HistoryCache.save(history, to: cached) }
        return history
    }

    /// The `Agentreplay-*` trailers of a commit message (`Key: value` lines), first value of
    /// each key. Read as UTF-8 bytes: a chain has a commit per span, so this runs a lot.
    static func trailers(_ message: String) -> [String: String] {
        var out: [String: String] = [:]
        let prefix = Array("Agentreplay-".utf8)
        var utf8 = message.utf8[...]
        while !utf8.isEmpty {
            let end = utf8.firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            let line = utf8[utf8.startIndex..<end]
            if line.starts(with: prefix), let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                let key = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
                let value = line[line.index(after: colon)...].drop { $0 == UInt8(ascii: " ") }
                if out[key] == nil { out[key] = String(decoding: value, as: UTF8.self) }
            }
            utf8 = end == utf8.endIndex ? utf8[end...] : utf8[utf8.index(after: end)...]
        }
        return out
    }
}
