extension Trace.Header {
    /// The trace id of the session an agent names `sessionID`: the id itself when it is a
    /// UUID (its 32 hex digits, lower case), else a 128-bit FNV-1a hash of it. Importers give
    /// a log this id, and `refs/agentreplay/sessions/<session id>/` is matched to a trace by it.
    public static func traceID(session sessionID: String) -> String {
        let compact = sessionID.lowercased().filter { $0 != "-" }
        if compact.count == 32, compact.allSatisfy(\.isHexDigit) { return compact }
        return FNV1a.hex(FNV1a.hash(sessionID)) + FNV1a.hex(FNV1a.hash(sessionID, seed: 0x84222325cbf29ce4))
    }
}
