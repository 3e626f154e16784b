/// What one test run said about a state, by `git bisect run`'s contract: exit 0 good,
/// 125 skip, 1–127 (but 125) bad, 128 and above abort.
public enum BisectVerdict: String, Sendable, Equatable, CaseIterable {
    case good
    case bad
    case skip
    case abort

    public init(exitStatus: Int32) {
        switch exitStatus {
        case 0: self = .good
        case 125: self = .skip
        case 1...127: self = .bad
        default: self = .abort
        }
    }
}
