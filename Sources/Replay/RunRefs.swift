import Git

/// The refs that name runs: `refs/agentreplay/runs/<trace id>` and `refs/agentreplay/last`.
/// They are written only after every commit of the chain exists, so a ref never names a
/// partial chain.
public enum RunRefs {
    public static let last = "refs/agentreplay/last"

    public static func name(_ traceID: String) -> String {
        let safe = traceID.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
        return "refs/agentreplay/runs/" + (safe.isEmpty ? "unnamed" : safe)
    }

    /// Points the run's refs at its head; returns their names.
    public static func write(_ run: Run, to repository: Repository) throws -> [String] {
        guard let head = run.head else { return [] }
        let names = [name(run.header.traceID), last]
        for name in names {
            try repository.setReference(name, to: head, message: "agentreplay run \(run.header.traceID)")
        }
        return names
    }
}
