/// Tool call ids unique within a trace: a log may give two calls one id (a resumed session,
/// a copied message, a redacted id), and a trace may not (`docs/trace-format.md`).
struct CallIDs {
    private var used = Set<String>()

    /// Whether a call has `id` already.
    func contains(_ id: String) -> Bool { used.contains(id) }

    /// `id`, or when a call has it already, the first of `id#2`, `id#3`, … that none has; from
    /// now on a call's.
    mutating func claim(_ id: String) -> String {
        var candidate = id
        var n = 2
        while used.contains(candidate) {
            candidate = id + "#\(n)"
            n += 1
        }
        used.insert(candidate)
        return candidate
    }
}
