import Importers
import Trace

/// Fuzz target `swe-agent`: a SWE-agent trajectory (one JSON document), read by `SWEAgentImporter` from a file named `session.traj`. Whatever
/// it reads must write a native trace that reads back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = FuzzInput.file(data, size, name: "session.traj")
    if let trace = try? SWEAgentImporter(path: path).run() {
        FuzzInput.checkRoundTrip(trace, what: "SWEAgentImporter")
    }
    return 0
}
