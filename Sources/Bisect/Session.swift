import Foundation
import Git

/// A bisect as it runs: the search (`Bisector`, or `Minimizer` with `--minimal`) asks for
/// states, and the session brings its private worktrees to them, runs the test in each
/// (`TestRunner`), draws the verdicts, and feeds them back, until the search is done. It is
/// the edge where the effects are; everything it decides is the searches'.
///
/// The user's repository is only read: the worktrees live in the user's cache folder
/// (`WorktreeFolder`), and every object bisect makes (the trees of `--minimal`) stays in
/// memory when the repository is opened with `objectsInMemory`, as the CLI does.
public final class Session {
    public struct Options: Sendable {
        public var command: String
        /// States probed at once, each in its own worktree.
        public var jobs = 1
        /// Extra runs of every probe; runs that disagree make the state `flaky`.
        public var retries = 0
        /// Seconds a run may take before its process group is killed (nil: no limit).
        public var timeout: Double?
        /// What a run killed for its time counts as: `.skip` (the default) or `.bad`.
        public var timeoutVerdict: BisectVerdict = .skip
        /// ddmin instead of bisection.
        public var minimal = false
        /// Where the worktree folders go (default: the user's cache folder, see
        /// `WorktreeFolder`).
        public var worktreeRoot: String?
        /// Install SIGINT/SIGTERM/SIGHUP handlers (the CLI does; tests need not).
        public var handlesSignals = false
        /// The test's environment, before the `AGENTREPLAY_*` variables are set.
        public var environment: [String: String] = ProcessInfo.processInfo.environment

        public init(command: String) {
            self.command = command
        }
    }

    public struct Result: Sendable {
        public var outcome: BisectOutcome
        public var probes: [ProbeRecord]
        public var testRuns: Int { probes.reduce(0) { $0 + $1.runs.count } }
        /// The states (or combinations) whose runs disagreed.
        public var flaky: [ProbeRecord] { probes.filter { $0.verdict == .flaky } }
        /// The folder the worktrees are in.
        public var folder: String
    }

    let repository: Repository
    let repositoryPath: String
    let history: History
    let options: Options
    /// Called with each probe as it is decided, in the search's order (the log's lines).
    public var onProbe: (ProbeRecord) -> Void = { _ in }
    /// Called before each batch with what is about to be tested (for a progress line).
    public var onBatch: (_ description: String, _ probesSoFar: Int) -> Void = { _, _ in }
    /// Called with notes for people (cleaning up after an interrupted bisect).
    public var onNote: (String) -> Void = { _ in }

    private var probes: [ProbeRecord] = []

    /// The folder that holds the worktrees of the repository at `repositoryPath` (and the
    /// histories of its stored runs, `StoredRun.history(cache:)`).
    public static func folder(repositoryPath: String, options: Options) throws -> String {
        try WorktreeFolder.location(repositoryPath: repositoryPath, root: options.worktreeRoot, environment: options.environment)
    }

    public init(repository: Repository, repositoryPath: String, history: History, options: Options) {
        self.repository = repository
        self.repositoryPath = repositoryPath
        self.history = history
        self.options = options
    }

    public func run() throws -> Result {
        if options.handlesSignals { Signals.install() }
        defer { if options.handlesSignals { Signals.uninstall() } }
        let folder = WorktreeFolder(path: try Self.folder(repositoryPath: repositoryPath, options: options))
        for note in try folder.lock(repositoryPath: repositoryPath) { onNote(note) }
        defer { folder.unlock() }
        let slots = (0..<max(1, options.jobs)).map(folder.worktree)
        for note in try folder.restoreUnused(from: slots.count, repository: repository) { onNote(note) }
        let runner = TestRunner(command: options.command, timeout: options.timeout, running: folder.record)
        let outcome =
            options.minimal
            ? try minimize(slots: slots, runner: runner)
            : try bisect(slots: slots, runner: runner)
        for slot in slots where slot.tree != nil {
            try slot.finish(repository: repository)
        }
        try Signals.check()
        return Result(outcome: outcome, probes: probes, folder: folder.path)
    }

    private func bisect(slots: [Worktree], runner: TestRunner) throws -> BisectOutcome {
        var bisector = Bisector(trees: history.trees.map(\.hex), jobs: options.jobs)
        while true {
            switch bisector.next() {
            case .done(let outcome): return outcome
            case .probe(let steps):
                onBatch(steps.map(describe).joined(separator: ", "), probes.count)
                let points = steps.map { Point(step: $0, combination: nil, tree: history.tree($0), environment: environment(step: $0)) }
                for record in try probe(points, slots: slots, runner: runner) {
                    bisector.mark(record.step!, record.verdict, status: record.status)
                }
            }
        }
    }

    private func minimize(slots: [Worktree], runner: TestRunner) throws -> BisectOutcome {
        var minimizer = Minimizer(count: history.candidates.count, jobs: options.jobs)
        var composition = Composition(history: history, repository: repository)
        var known: [ObjectID: ProbeRecord] = [:]
        while true {
            switch minimizer.next() {
            case .done(let outcome): return outcome
            case .probe(let combinations):
                onBatch(combinations.map { "{\($0.map(String.init).joined(separator: ","))}" }.joined(separator: ", "), probes.count)
                // Build each combination's tree; a tree tested before keeps its verdict (a
                // record with no run), one that cannot be built is unresolved (skip).
                var records = [ProbeRecord?](repeating: nil, count: combinations.count)
                var twins: [Int: Int] = [:]  // combination → the earlier one in this batch with its tree
                var points: [(index: Int, point: Point)] = []
                for (index, combination) in combinations.enumerated() {
                    let tree: ObjectID
                    do {
                        tree = try composition.tree(combination)
                    } catch {
                        records[index] = ProbeRecord(
                            number: 0, combination: combination, tree: history.baseTree, runs: [],
                            verdict: .skip, note: "cannot be built: \(error)")
                        continue
                    }
                    if let earlier = known[tree] {
                        records[index] = ProbeRecord(number: 0, combination: combination, tree: tree, runs: [], verdict: earlier.verdict)
                    } else if let twin = points.first(where: { $0.point.tree == tree }) {
                        twins[index] = twin.index
                    } else {
                        points.append(
                            (
                                index,
                                Point(
                                    step: nil, combination: combination, tree: tree,
                                    environment: environment(combination: combination))
                            ))
                    }
                }
                for (point, record) in zip(points, try probe(points.map(\.point), slots: slots, runner: runner, record: false)) {
                    records[point.index] = record
                    known[record.tree] = record
                }
                for (index, twin) in twins {
                    let earlier = records[twin]!
                    records[index] = ProbeRecord(number: 0, combination: combinations[index], tree: earlier.tree, runs: [], verdict: earlier.verdict)
                }
                for (index, combination) in combinations.enumerated() {
                    var record = records[index]!
                    record.number = probes.count + 1
                    probes.append(record)
                    onProbe(record)
                    minimizer.mark(combination, record.verdict, status: record.status)
                }
            }
        }
    }

    /// One state to test: a step or a combination, its tree, its environment.
    private struct Point {
        var step: Int?
        var combination: [Int]?
        var tree: ObjectID
        var environment: [String]
    }

    /// Brings one worktree per point to its tree, runs the test `1 + retries` times in all of
    /// them side by side, and draws each point's verdict.
    private func probe(_ points: [Point], slots: [Worktree], runner: TestRunner, record: Bool = true) throws -> [ProbeRecord] {
        precondition(points.count <= slots.count, "one worktree per point")
        for (point, slot) in zip(points, slots) {
            try Signals.check()
            try slot.checkout(point.tree, repository: repository)
        }
        var runs = [[ProbeRecord.Run]](repeating: [], count: points.count)
        var active = Array(points.indices)
        for _ in 0...max(0, options.retries) where !active.isEmpty {
            let jobs = active.map {
                TestRunner.Job(directory: slots[$0].directory, environment: points[$0].environment, output: slots[$0].outputFile)
            }
            let outcomes = try runner.run(jobs)
            for (index, outcome) in zip(active, outcomes) {
                runs[index].append(ProbeRecord.Run(status: outcome.status, timedOut: outcome.timedOut, milliseconds: outcome.milliseconds))
            }
            active = active.filter { verdict(runs[$0].last!) != .abort }
        }
        var records: [ProbeRecord] = []
        for (index, point) in points.enumerated() {
            var r = ProbeRecord(
                number: probes.count + 1, step: point.step, combination: point.combination, tree: point.tree,
                runs: runs[index], verdict: ProbeVerdict(runs: runs[index].map(verdict)))
            if record {
                probes.append(r)
                onProbe(r)
            } else {
                r.number = 0
            }
            records.append(r)
        }
        return records
    }

    /// A run's verdict: its exit status by `git bisect run`'s contract, or `--timeout-verdict`
    /// when it was killed for its time.
    private func verdict(_ run: ProbeRecord.Run) -> BisectVerdict {
        run.timedOut ? options.timeoutVerdict : BisectVerdict(exitStatus: run.status)
    }

    private func describe(_ step: Int) -> String {
        if step == 0 { return "the base" }
        let c = history.candidates[step - 1]
        return "step \(step)/\(history.candidates.count) (\(c.toolName ?? c.name) \(c.callID ?? c.spanID.rawValue))"
    }

    // MARK: - The test's environment

    static let variables = ["AGENTREPLAY_STEP", "AGENTREPLAY_STEPS", "AGENTREPLAY_SPAN_ID", "AGENTREPLAY_TOOL_CALL_ID", "AGENTREPLAY_COMMIT"]

    /// `AGENTREPLAY_STEP` (0 for the base), `AGENTREPLAY_SPAN_ID`,
    /// `AGENTREPLAY_TOOL_CALL_ID` (both unset for the base) and `AGENTREPLAY_COMMIT` (the
    /// run's commit for the state, the base commit for the base).
    private func environment(step: Int) -> [String] {
        var extra: [(String, String)] = [("AGENTREPLAY_STEP", String(step))]
        if step > 0 {
            let c = history.candidates[step - 1]
            extra.append(("AGENTREPLAY_SPAN_ID", c.spanID.rawValue))
            if let call = c.callID { extra.append(("AGENTREPLAY_TOOL_CALL_ID", call)) }
            if let commit = c.commit { extra.append(("AGENTREPLAY_COMMIT", commit.hex)) }
        } else if let commit = history.baseCommit {
            extra.append(("AGENTREPLAY_COMMIT", commit.hex))
        }
        return environment(extra)
    }

    /// `AGENTREPLAY_STEPS`: the candidates applied, comma-separated.
    private func environment(combination: [Int]) -> [String] {
        environment([("AGENTREPLAY_STEPS", combination.map(String.init).joined(separator: ","))])
    }

    private func environment(_ extra: [(String, String)]) -> [String] {
        var env = options.environment
        for name in Self.variables { env[name] = nil }
        for (name, value) in extra { env[name] = value }
        return env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }
}
