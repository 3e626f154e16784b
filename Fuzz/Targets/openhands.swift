import Importers
import Trace

/// Fuzz target `openhands`: an OpenHands event stream (one JSON document), read by `OpenHandsImporter` from a file named `events.json`. Whatever
/// it reads must write a native trace that reads back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = FuzzInput.file(data, size, name: "events.json")
    if let trace = try? OpenHandsImporter(path: path).run() {
        FuzzInput.checkRoundTrip(trace, what: "OpenHandsImporter")
    }
    return 0
}
