import Importers
import Trace

/// Fuzz target `detect`: what `agentreplay run` does with a file given without `--from`:
/// detect its format from its content, then read it with that format's reader, as replay
/// opens it (`TraceSource`: native traces recover from bad span lines; a Claude Code log is
/// read on a thread of its own), to the last span. The trace's native bytes, as a run stores
/// them (`TraceSource.native()`), must be those spans written in the native format.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = FuzzInput.file(data, size, name: "session")
    guard let source = try? TraceSource.open(path: path) else { return 0 }
    let native = source.native()
    var spans: [Span] = []
    var failed = false
    do {
        while let span = try source.next() { spans.append(span) }
    } catch {
        failed = true
    }
    let trace = Trace(header: source.header, spans: spans)
    FuzzInput.checkRoundTrip(trace, what: "TraceSource")
    var stored: [UInt8] = []
    let storedWhole = (try? native { stored += $0 }) != nil
    if !failed, storedWhole, stored != TraceWriter.bytes(trace) {
        fatalError("TraceSource: the native bytes a run stores are not the spans it replays")
    }
    return 0
}
