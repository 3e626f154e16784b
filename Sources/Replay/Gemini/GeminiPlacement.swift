import Git
import ToolSemantics
import Trace

/// Which folder of the repository a Gemini CLI session ran in.
///
/// The importer finds the folder gemini-cli ran in as an absolute path (`agentreplay.gemini.ran_in`
/// on every tool span): the one whose SHA-256 is the log's `projectHash`, read from a path a
/// call named or the absolute path its result gave for a relative one. The trace takes it for
/// the repository's top. But the top is that folder or any of its ancestors, so the folder is
/// one of its trailing components in the repository (`/u/repo/sub`: `sub`, `repo/sub`, … or
/// the top itself). Decided once, at the first tool call, from what can tell them apart:
///
/// 1. the repository's working tree is that absolute folder or holds it (`agentreplay run` in
///    the checkout the session ran in): certain;
/// 2. else the files the session found existing (`agentreplay.gemini.ran_in.seen`: reads,
///    edits, overwrites, each at its first naming): when exactly one reading makes one of them
///    a file of the base, that reading, vouched for;
/// 3. else exactly one trailing part names a folder of the base: that folder, which the run
///    vouches for only when a file the session named is a file of the base there and not at the
///    top (`conclude`); else the run stays unverified, since the repository's top may itself be
///    named like its folder;
/// 4. else the top, as before; a run that changed files none of whose paths is a file of the
///    base stays unverified (nothing shows the top is where the session ran).
///
/// Once decided on a folder, each call is replayed with the repository's top above it as the
/// recorded root and the session's folder as its working directory (`RepoPath.map`).
final class GeminiPlacement {
    enum Decision: Equatable {
        /// The session's paths are the repository's from its top, as `evidence` shows (nil:
        /// nothing does).
        case top(Evidence?)
        /// The session ran in `folder` (repository-relative) of the repository whose top was
        /// `top` (absolute, at record time), as `evidence` shows.
        case folder(String, top: String, evidence: Evidence)
    }

    enum Evidence: Equatable {
        /// The repository's working tree holds the absolute folder.
        case workingTree
        /// A file the session found existing is a file of the base under this reading only.
        case baseFile(String)
        /// The one trailing part that names a folder of the base.
        case baseFolder
    }

    /// The absolute folder the session ran in, when the importer found it by its hash.
    private(set) var ranIn: String?
    private(set) var decision: Decision?
    /// The folders of the base among the places the session's folder can be, nearest first.
    private(set) var baseFolders: [String] = []
    /// The span whose record showed the folder, and how (`input`, `output`).
    private var evidence: (span: Span.ID, source: String)?

    /// Decides the placement at the first tool span that carries the session's folder, and
    /// notes the span whose record showed it.
    func see(_ span: Span, _ context: ReplayContext) throws {
        if evidence == nil, let source = span.attributes["agentreplay.gemini.ran_in.evidence"]?.stringValue {
            evidence = (span.id, source)
        }
        guard decision == nil else { return }
        guard let folder = span.attributes["agentreplay.gemini.ran_in"]?.stringValue, folder == context.header.repoRoot,
            folder.hasPrefix("/")
        else {
            decision = .top(nil)
            return
        }
        ranIn = folder
        decision = try decide(folder, seen: span.attributes["agentreplay.gemini.ran_in.seen"]?.arrayValue?.compactMap(\.stringValue) ?? [], context)
    }

    func decide(_ folder: String, seen: [String], _ context: ReplayContext) throws -> Decision {
        let parts = folder.split(separator: "/").map(String.init)
        let repository = context.workspace.repository
        let base = context.ledger.baseTree
        if let work = repository.workingDirectory, work.hasPrefix("/") {
            if work == folder { return .top(.workingTree) }
            if folder.hasPrefix(work + "/") { return .folder(String(folder.dropFirst(work.count + 1)), top: work, evidence: .workingTree) }
        }
        func top(of prefix: String) -> String { "/" + parts.dropLast(prefix.split(separator: "/").count).joined(separator: "/") }
        // The readings: the top (""), then each trailing part, nearest first.
        let readings = [""] + (1..<max(1, parts.count)).map { parts.suffix($0).joined(separator: "/") }
        var hits: [(reading: String, file: String)] = []
        for reading in readings {
            for file in seen {
                let path = reading.isEmpty ? file : reading + "/" + file
                if let entry = try repository.entry(in: base, path: path), entry.mode != .tree {
                    hits.append((reading, path))
                    break
                }
            }
        }
        if hits.count == 1 {
            let hit = hits[0]
            return hit.reading.isEmpty ? .top(.baseFile(hit.file)) : .folder(hit.reading, top: top(of: hit.reading), evidence: .baseFile(hit.file))
        }
        if hits.contains(where: { $0.reading.isEmpty }) { return .top(nil) }
        for reading in readings.dropFirst() where try repository.entry(in: base, path: reading)?.mode == .tree {
            baseFolders.append(reading)
        }
        if hits.isEmpty, baseFolders.count == 1, let only = baseFolders.first {
            return .folder(only, top: top(of: only), evidence: .baseFolder)
        }
        return .top(nil)
    }

    /// The span and context a call is replayed with: under a folder, the repository's top as
    /// the recorded root and the session's folder as the call's working directory.
    func place(_ span: Span, _ context: ReplayContext) -> (Span, ReplayContext) {
        guard case .folder(_, let top, _)? = decision, let ranIn else { return (span, context) }
        var header = context.header
        header.repoRoot = top
        var span = span
        if span.attributes[GenAI.workingDirectory] == nil { span.attributes[GenAI.workingDirectory] = .string(ranIn) }
        return (span, ReplayContext(workspace: context.workspace, header: header, ledger: context.ledger))
    }

    /// What the run says of the placement once every call is replayed: an inference it vouches
    /// for, or a caveat (the run stays unverified). nil when the folder was not found by its
    /// hash (the importer's, `RootCheck`'s and the dialect's rules stand).
    func conclude(steps: [Run.Step], base: ObjectID, in repository: Repository) throws -> DialectConclusion? {
        guard let ranIn, let decision else { return nil }
        let from = self.from(steps)
        let changed = steps.contains { !$0.changes.isEmpty }
        var named: [String] = []
        for step in steps where step.kind == .tool {
            for path in step.paths where !named.contains(path) { named.append(path) }
        }
        func isFile(_ path: String) throws -> Bool {
            guard let entry = try repository.entry(in: base, path: path) else { return false }
            return entry.mode != .tree
        }
        switch decision {
        case .folder(let folder, _, .workingTree):
            return DialectConclusion(
                inferences: ["the session ran in \(folder)/ (\(ranIn), \(from)), a folder of this repository's working tree"])
        case .folder(let folder, _, .baseFile(let file)):
            return DialectConclusion(
                inferences: [
                    "the session ran in \(folder)/ (\(ranIn), \(from)): \(file), a file it found there, is a file of the base, "
                        + "and no other place it can be has one"
                ])
        case .folder(let folder, _, .baseFolder):
            var confirming: String?
            for path in named where path.hasPrefix(folder + "/") {
                if try isFile(path), try !isFile(String(path.dropFirst(folder.count + 1))) {
                    confirming = path
                    break
                }
            }
            let what = "the session ran in \(folder)/ (\(ranIn), \(from)), the one folder of the base it can be"
            if let confirming {
                return DialectConclusion(
                    inferences: [what + ": \(confirming), which it named, is a file of the base (and not at the top)"])
            }
            guard changed else { return DialectConclusion(inferences: [what]) }
            return DialectConclusion(
                caveats: [
                    what + "; no file it named is a file of the base there to confirm it: if the repository's top is that "
                        + "folder itself, its files belong at the top (name the top with --recorded-root)"
                ])
        case .top(.workingTree?):
            return DialectConclusion(inferences: ["the session ran at the repository's top (\(ranIn), \(from)), this working tree"])
        case .top(.baseFile(let file)?):
            return DialectConclusion(
                inferences: [
                    "the session ran at the repository's top (\(ranIn), \(from)): \(file), a file it found there, is a file of "
                        + "the base, and no other place it can be has one"
                ])
        case .top(.baseFolder?):
            return DialectConclusion()
        case .top(nil):
            guard changed, try !named.contains(where: isFile) else { return DialectConclusion() }
            let parent = ranIn.split(separator: "/").dropLast().joined(separator: "/")
            let name = ranIn.split(separator: "/").last.map(String.init) ?? ranIn
            let folders =
                baseFolders.count > 1
                ? " (the base has \(baseFolders.map { $0 + "/" }.joined(separator: ", ")), each of which it can be)" : ""
            return DialectConclusion(
                caveats: [
                    "the session ran in \(ranIn) (\(from)), taken as the repository's top; no file it named is a file of the "
                        + "base to confirm that\(folders): if the top was /\(parent) or above, its files belong under "
                        + "\(name)/ there (name the top with --recorded-root)"
                ])
        }
    }

    /// How the folder was found, as the run says it: `from #2's output and the log's projectHash`.
    func from(_ steps: [Run.Step]) -> String {
        guard let evidence, let step = steps.first(where: { $0.spanID == evidence.span }) else {
            return "from the log's projectHash"
        }
        return "from #\(step.index)'s \(evidence.source) and the log's projectHash"
    }
}
