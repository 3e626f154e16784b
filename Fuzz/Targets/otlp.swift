import Importers
import Trace

/// Fuzz target `otlp`: an OTLP JSON export (one document, or one per line), read by `OTLPImporter` from a file named `trace.json`. Whatever
/// it reads must write a native trace that reads back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = FuzzInput.file(data, size, name: "trace.json")
    if let trace = try? OTLPImporter(path: path).run() {
        FuzzInput.checkRoundTrip(trace, what: "OTLPImporter")
    }
    return 0
}
