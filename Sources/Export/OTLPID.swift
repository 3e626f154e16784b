import Trace

/// Deterministic OTLP ids for a trace's spans, derived from the trace alone: no clock, no
/// random source, so exporting the same trace twice gives the same ids on any machine.
///
/// - The trace id is the header's trace id when it is 32 hex digits (not all zero), else a
///   hash of it.
/// - A span keeps its own id when it is 16 hex digits (not all zero; traces the project
///   writes have such ids), else gets FNV-1a 64 of `<trace id>/<span id>`; an id taken by an
///   earlier span is hashed again with a counter.
struct OTLPID {
    let traceID: String
    private(set) var spanIDs: [Span.ID: String] = [:]
    private var used = Set<String>()

    init(header: Trace.Header) {
        let own = header.traceID.lowercased()
        traceID =
            Self.isHex(own, count: 32)
            ? own : Self.hex(Self.fnv1a(header.traceID)) + Self.hex(Self.fnv1a(header.traceID, seed: 0x8422_2325_cbf2_9ce4))
    }

    /// The OTLP span id of `span` (the first span with a given id claims it; a repeated id
    /// gets a fresh one).
    mutating func assign(_ span: Span.ID) -> String {
        let own = span.rawValue.lowercased()
        var candidate = Self.isHex(own, count: 16) ? own : Self.hex(Self.fnv1a(traceID + "/" + span.rawValue))
        var n = 0
        while candidate == "0000000000000000" || !used.insert(candidate).inserted {
            n += 1
            candidate = Self.hex(Self.fnv1a(traceID + "/" + span.rawValue + "#\(n)"))
        }
        if spanIDs[span] == nil { spanIDs[span] = candidate }
        return candidate
    }

    static func isHex(_ s: String, count: Int) -> Bool {
        s.utf8.count == count && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
            && s.utf8.contains { $0 != 0x30 }
    }

    static func fnv1a(_ text: String, seed: UInt64 = FNV1a.offsetBasis) -> UInt64 { FNV1a.hash(text, seed: seed) }

    static func hex(_ v: UInt64) -> String { FNV1a.hex(v) }
}
