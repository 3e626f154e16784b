import Trace

/// Fuzz target `native`: the native NDJSON trace format, read by `TraceReader` both ways
/// replay reads it — strictly (the first bad line ends the reading) and recovering (a bad
/// span line becomes an `invalid record` span). A trace read strictly must write back to
/// the same canonical bytes. Every line is also given to `SpanLineDecoder`: where it answers,
/// the reference road (`JSONParser`, `NativeFormat.decodeSpan`) must give the same span.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = FuzzInput.file(data, size, name: "trace.ndjson")
    var decoder = SpanLineDecoder()
    for line in FuzzInput.bytes(data, size).split(separator: 0x0A, omittingEmptySubsequences: true) {
        guard let quick = line.withUnsafeBufferPointer({ decoder.decode($0) }) else { continue }
        let reference = Result { () throws(TraceError) in
            try NativeFormat.decodeSpan(TraceReader.parse(line, file: "f", line: 1), file: "f", line: 1)
        }
        guard case .success(let span) = reference, span == quick else {
            fatalError("fuzz: SpanLineDecoder answers where the reference road gives \(reference)")
        }
    }
    if let trace = try? TraceReader.read(path: path) {
        FuzzInput.checkRoundTrip(trace, what: "TraceReader")
    }
    if let reader = try? TraceReader(path: path) {
        reader.recoversBadSpans = true
        var spans: [Span] = []
        while let span = try? reader.next() { spans.append(span) }
        FuzzInput.checkRoundTrip(Trace(header: reader.header, spans: spans), what: "TraceReader (recovering)")
    }
    return 0
}
