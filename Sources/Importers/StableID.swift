import Trace

/// Deterministic span and trace ids derived from the source log's own ids (FNV-1a, 64 bit),
/// so importing the same file twice gives the same ids on any machine.
struct StableID {
    /// The hashes of the ids given (an id is its hash in hex): 8 bytes each, not a string.
    private var used = Set<UInt64>()

    static func fnv1a(_ text: String, seed: UInt64 = FNV1a.offsetBasis) -> UInt64 { FNV1a.hash(text, seed: seed) }

    static func hex(_ v: UInt64) -> String { FNV1a.hex(v) }

    /// A 16-hex-digit span id for `source`, unique within this importer run.
    mutating func span(_ source: String) -> Span.ID {
        var candidate = StableID.fnv1a(source)
        var n = 0
        while !used.insert(candidate).inserted {
            n += 1
            candidate = StableID.fnv1a(source + "#\(n)")
        }
        return Span.ID(StableID.hex(candidate))
    }

    /// A 32-hex-digit trace id: the session id itself when it is a UUID, else a hash of it.
    static func trace(_ sessionID: String) -> String { Trace.Header.traceID(session: sessionID) }
}
