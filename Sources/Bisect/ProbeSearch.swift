/// What `Bisector` and `Minimizer` have in common: each says which probes to run next (states,
/// or combinations of candidates) or that it is done, and takes each probe's verdict.
public protocol ProbeSearch {
    associatedtype Probe: Hashable & Sendable
    mutating func next() -> SearchNext<Probe>
    mutating func mark(_ probe: Probe, _ verdict: ProbeVerdict, status: Int32?)
}

/// A search's next step.
public enum SearchNext<Probe: Hashable & Sendable>: Equatable, Sendable {
    /// Probe these (at most `jobs`: states ascending, combinations as ddmin takes them); then
    /// mark each and ask again.
    case probe([Probe])
    case done(BisectOutcome)
}
