import Replay

/// Which steps of a run changed which paths, built once, so that analysing many files of one
/// run (every hunk of a diff, say) does not walk every step once per file.
public struct StepIndex: Sendable {
    /// For each path, the positions in `Run.steps` of the steps that changed it, ascending.
    public let byPath: [String: [Int]]
    /// The positions of the steps that changed more than one path (where moves can happen).
    public let multiChange: [Int]

    public init(_ run: Run) {
        var byPath: [String: [Int]] = [:]
        var multi: [Int] = []
        for (i, step) in run.steps.enumerated() where !step.changes.isEmpty {
            for change in step.changes { byPath[change.path, default: []].append(i) }
            if step.changes.count > 1 { multi.append(i) }
        }
        self.byPath = byPath
        self.multiChange = multi
    }

    public func steps(changing path: String) -> [Int] { byPath[path] ?? [] }
}
