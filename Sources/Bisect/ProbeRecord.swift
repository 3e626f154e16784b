import Git

/// One probe as it happened: which state (a step, or with `--minimal` a combination of
/// candidates), its tree, each run's exit status, and the verdict drawn from them.
public struct ProbeRecord: Sendable, Equatable {
    /// One run of the test.
    public struct Run: Sendable, Equatable {
        /// The exit status, or 128 plus the signal that killed it.
        public var status: Int32
        /// Killed for running past `--timeout` (its verdict is `--timeout-verdict`'s).
        public var timedOut: Bool
        /// Wall time; the only part of a probe that differs between two identical bisects,
        /// kept out of the replayable part of the log.
        public var milliseconds: Int

        public init(status: Int32, timedOut: Bool, milliseconds: Int = 0) {
            self.status = status
            self.timedOut = timedOut
            self.milliseconds = milliseconds
        }
    }

    /// 1 for the first probe.
    public var number: Int
    /// The state probed (bisect).
    public var step: Int?
    /// The candidates applied (`--minimal`).
    public var combination: [Int]?
    public var tree: ObjectID
    /// No run when the verdict came from an earlier probe of the same tree, or the
    /// combination could not be built (`note` says why).
    public var runs: [Run]
    public var verdict: ProbeVerdict
    public var note: String?

    public init(number: Int, step: Int? = nil, combination: [Int]? = nil, tree: ObjectID, runs: [Run], verdict: ProbeVerdict, note: String? = nil) {
        self.number = number
        self.step = step
        self.combination = combination
        self.tree = tree
        self.runs = runs
        self.verdict = verdict
        self.note = note
    }

    /// The first run's exit status, which the searches use to tell 126 and 127 apart.
    public var status: Int32? { runs.first?.status }
}
