import Importers
import Trace

/// Fuzz target `claude-code`: a Claude Code session log (JSONL), read by `ClaudeCodeImporter` from a file named `session.jsonl`. Whatever
/// it reads must write a native trace that reads back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = FuzzInput.file(data, size, name: "session.jsonl")
    if let trace = try? ClaudeCodeImporter(path: path).run() {
        FuzzInput.checkRoundTrip(trace, what: "ClaudeCodeImporter")
    }
    return 0
}
