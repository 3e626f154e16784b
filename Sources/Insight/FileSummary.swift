import Trace

/// What a session did to one file: how often it was read and written, the lines its edits
/// added and removed, what is left of them in the final diff, and the turns that wrote it.
public struct FileSummary: Sendable {
    public var path: String
    public var reads = 0
    public var linesRead = 0
    /// Spans that changed the file.
    public var writes = 0
    /// Failed or unreplayable edits of the file.
    public var failedEdits = 0
    /// Lines added and removed, summed over every span that changed it.
    public var added = 0
    public var removed = 0
    /// Lines added and removed in the run's final diff against its base.
    public var finalAdded = 0
    public var finalRemoved = 0
    /// The model turns whose calls changed the file, in order.
    public var turns: [Span.ID] = []
    public var usage = Usage()
    /// The cost of those turns (each counted once; a turn that wrote several files counts
    /// for each). Nil when a turn's cost is unknown.
    public var cost: Money? = .zero

    public init(path: String) { self.path = path }

    public var written: Bool { writes > 0 }
}

/// A hunk of the run's final diff with what it cost: the tokens and price of the turns whose
/// calls wrote it (each turn once).
public struct HunkCost: Sendable {
    public var path: String
    public var oldStart: Int
    public var oldLines: Int
    public var newStart: Int
    public var newLines: Int
    /// The spans credited with the hunk (`EditHunks`).
    public var spans: [Span.ID]
    public var turns: [Span.ID]
    public var usage: Usage
    /// Nil when a turn's cost is unknown.
    public var cost: Money?
}
