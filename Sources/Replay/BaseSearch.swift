import Git
import ToolSemantics
import Trace

extension Replayer {
    /// A run, the repository handle that holds its objects, and the base it started on.
    public struct Chosen {
        public var run: Run
        public var repository: Repository
        public var base: Base
    }

    /// Replays the spans `next` yields onto `base`, or, when the base was not given (no base
    /// commit or tree the trace records and the repository has, no `--base`), onto the base
    /// found by agreement (`BaseAgreement`):
    ///
    /// 1. the spans are replayed onto `base` (the session's start on HEAD's line), noting what
    ///    the session first saw of each file;
    /// 2. the newest commit at or before `sessionStart`, on the log's branch, whose files agree
    ///    with every such sight is looked for;
    /// 3. when it is `base`'s commit, or none agrees, that first run stands (with none, the
    ///    files that disagree are its start state, as before); else the spans `again()`
    ///    yields — the trace read again: a large trace is never held whole — are replayed
    ///    onto the commit found, in `fresh()` — the repository opened again, objects in
    ///    memory — so that nothing of the first run is ever written.
    ///
    /// The commit found is a start, not a verdict: the second replay checks every observation
    /// against it as any replay does, and reports what disagrees.
    public func replayChoosingBase(
        header: Trace.Header, base: Base, sessionStart: Int64?, next: () throws -> Span?,
        again: () throws -> () throws -> Span?, fresh: () throws -> Repository
    ) throws -> Chosen {
        guard base.searchable, header.baseTree == nil else {
            return Chosen(run: try replay(header: header, base: base, next: next), repository: repository, base: base)
        }
        let sights = FirstSight.Log()
        var run = try replay(header: header, base: base, next: next, sights: sights)
        guard !sights.sights.isEmpty else { return Chosen(run: run, repository: repository, base: base) }
        let found = try BaseAgreement.find(sights.sights, before: sessionStart, branch: header.branch, in: repository)
        var chosen = base
        chosen.search = Base.Search(
            sights: sights.sights.count, examined: found.examined, tips: found.tips, branch: header.branch,
            agreed: found.commit != nil)
        if let commit = found.commit {
            chosen.commit = commit
            chosen.tree = try repository.tree(ofCommit: commit)
            if case .recordedMissing(let recorded, _) = base.choice {
                chosen.choice = .recordedMissing(recorded, fallback: .agreement)
            } else {
                chosen.choice = .agreement
            }
        }
        guard chosen.commit != base.commit else {
            run.baseChoice = chosen.choiceCode
            run.baseSearch = chosen.search
            return Chosen(run: run, repository: repository, base: chosen)
        }
        let repository = try fresh()
        var second = try Replayer(repository: repository).replay(header: header, base: chosen, next: again())
        second.baseSearch = chosen.search
        return Chosen(run: second, repository: repository, base: chosen)
    }
}
