import Importers
import Trace

/// Fuzz target `detect`: what `agentreplay run` does with a file given without `--from`:
/// detect its format from its content, then read it with that format's reader, as replay
/// opens it (`TraceSource`: native traces recover from bad span lines), to the last span.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = FuzzInput.file(data, size, name: "session")
    guard let source = try? TraceSource.open(path: path) else { return 0 }
    var spans: [Span] = []
    while let span = try? source.next() { spans.append(span) }
    FuzzInput.checkRoundTrip(Trace(header: source.header, spans: spans), what: "TraceSource")
    _ = try? source.nativeBytes()
    return 0
}
