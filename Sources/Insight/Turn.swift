import Trace

/// One model turn: the model call (its tokens and cost, the text it answered) and what it
/// asked the tools to do. Steps before the first model call, or not linked to one (a user
/// prompt, an event), form turns of their own with no model call.
public struct Turn: Sendable {
    /// What a turn left in the final diff.
    public enum Outcome: String, Sendable {
        /// Some line of the final diff was written by one of its calls.
        case kept
        /// Its edits applied, but later edits undid or overwrote every line they wrote.
        case reverted
        /// Every tool call it asked for failed: the spend bought a retry.
        case failed
        /// It changed no file and tried to change none (reading, running, thinking).
        case none
    }

    /// 1-based among the turns with a model call; 0 for a turn without one.
    public var number: Int
    /// The model call's step (position in `Run.steps`), when there is one.
    public var step: Int?
    public var spanID: Span.ID?
    public var model: String?
    public var usage: Usage
    /// Of the usage's output tokens, those the model spent reasoning (when the log says).
    public var reasoning: Int64
    /// Nil when unknown: no price for the model (or no model named).
    public var cost: Money?
    /// The first line of the model's text answer.
    public var text: String?
    public var start: Timestamp?
    public var end: Timestamp?
    public var actions: [Action]
    public var outcome: Outcome

    /// The turn's first and last times, over its own call and its actions.
    public var span: (start: Timestamp, end: Timestamp)? {
        let times = ([start, end] + actions.flatMap { [$0.start, $0.end] }).compactMap { $0 }
        guard let first = times.min(), let last = times.max() else { return nil }
        return (first, last)
    }
}
