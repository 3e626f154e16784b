/// Writes a trace in the native format, canonically: the same trace always gives the same
/// bytes (fixed member order, sorted attributes, one `\n` after every line).
public enum TraceWriter {
    public static func bytes(_ trace: Trace) -> [UInt8] {
        var out: [UInt8] = []
        append(trace.header, to: &out)
        for span in trace.spans { append(span, to: &out) }
        return out
    }

    public static func append(_ header: Trace.Header, to out: inout [UInt8]) {
        JSONWriter.write(NativeFormat.encode(header), into: &out)
        out.append(0x0A)
    }

    public static func append(_ span: Span, to out: inout [UInt8]) {
        JSONWriter.write(NativeFormat.encode(span), into: &out)
        out.append(0x0A)
    }
}
