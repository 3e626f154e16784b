import Trace

/// A SWE-agent trajectory file read whole (it is one JSON document, not NDJSON), with what is
/// needed to name lines in errors and spans: the line each top-level member and each
/// `trajectory` step starts on. The reading and locating is `LocatedJSON`'s.
struct SWEAgentDocument {
    /// The file's bytes (the trace id is a hash of them).
    let bytes: [UInt8]
    let root: JSON
    /// Top-level member name → the line its value starts on.
    let memberLines: [String: Int]
    /// The line each element of `trajectory` starts on.
    let stepLines: [Int]

    init(path: String, displayName: String) throws(TraceError) {
        let document = try LocatedJSON(path: path, displayName: displayName)
        guard case .object(let members) = document.root else {
            throw TraceError(
                file: displayName, line: 1, message: "expected a JSON object (a SWE-agent trajectory), found \(document.root.typeDescription)")
        }
        bytes = document.bytes
        root = document.root
        var lines: [String: Int] = [:]
        for (key, _) in members where lines[key] == nil {
            lines[key] = document.member(key, at: document.rootOffset).map(document.line(of:)) ?? 1
        }
        memberLines = lines
        stepLines = document.member("trajectory", at: document.rootOffset).map { document.elements(at: $0).map(document.line(of:)) } ?? []
    }
}
