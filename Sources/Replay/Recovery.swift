import Git
import ToolSemantics

/// A file whose content replay adopted from what the log showed the agent, because the
/// replayed file disagreed with it and an earlier step could have made the difference: a shell
/// command replay cannot follow (the file becomes that step's inferred effect), or, before any
/// step touched it, the working tree the session began on.
///
/// Only a whole-file observation is adopted (Claude Code's `originalFile`, a `Read` of the
/// whole file, a recorded patch's full content): a partial one cannot say what the rest holds,
/// so it stays drift.
public struct Recovery: Sendable, Equatable {
    public var path: String
    /// The blob adopted (nil: the file was absent).
    public var blob: ObjectID?
    /// The index of the step whose observation showed the content.
    public var observedAt: Int
    /// What kind of observation it was.
    public var kind: Drift.Kind

    public init(path: String, blob: ObjectID?, observedAt: Int, kind: Drift.Kind) {
        self.path = path
        self.blob = blob
        self.observedAt = observedAt
        self.kind = kind
    }
}
