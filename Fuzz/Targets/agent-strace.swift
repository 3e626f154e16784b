import Importers
import Trace

/// Fuzz target `agent-strace`: an agent-strace event log (NDJSON; no meta.json beside it), read by `AgentStraceImporter` from a file named `events.ndjson`. Whatever
/// it reads must write a native trace that reads back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = FuzzInput.file(data, size, name: "events.ndjson")
    if let trace = try? AgentStraceImporter(path: path).run() {
        FuzzInput.checkRoundTrip(trace, what: "AgentStraceImporter")
    }
    return 0
}
