import Importers
import Trace

/// Fuzz target `gemini`: a Gemini CLI session (JSON or JSONL; the importer tells them apart by content), read by `GeminiImporter` from a file named `session.json`. Whatever
/// it reads must write a native trace that reads back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = FuzzInput.file(data, size, name: "session.json")
    if let trace = try? GeminiImporter(path: path).run() {
        FuzzInput.checkRoundTrip(trace, what: "GeminiImporter")
    }
    return 0
}
