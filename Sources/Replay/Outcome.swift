import ToolSemantics
import Trace

/// What replaying one span produced, before it is committed: the verdict, the paths it named,
/// a note for people, any drift, and whether it may have changed files replay cannot see.
struct Outcome {
    var verdict: Verdict
    var paths: [RepoPath] = []
    var note: String? = nil
    var drift: [Drift] = []
    var unseenEffects = false
    /// The paths now known to match the recording (their drift suspects are cleared); nil
    /// means `paths`.
    var synced: [RepoPath]? = nil
    /// Whether the span checked the whole replayed tree against a recording and found it
    /// equal (a SWE-agent submission), which confirms the unseen effects before it.
    var confirmsTree = false
    /// Whether the edit applied only with `REDACTED` in its recorded text read as what the
    /// log's keeper removed (`Redaction`): the step is unverified.
    var redactedMatch = false

    static let served = Outcome(verdict: .served)
}
