import Importers
import Trace

/// Fuzz target `codex`: a Codex rollout (JSONL), read by `CodexImporter` from a file named `rollout.jsonl`. Whatever
/// it reads must write a native trace that reads back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = FuzzInput.file(data, size, name: "rollout.jsonl")
    if let trace = try? CodexImporter(path: path).run() {
        FuzzInput.checkRoundTrip(trace, what: "CodexImporter")
    }
    return 0
}
