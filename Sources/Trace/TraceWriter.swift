/// Writes a trace in the native format, canonically: the same trace always gives the same
/// bytes (fixed member order, sorted attributes, one `\n` after every line).
///
/// A span line is written straight from the `Span`, in the member order of
/// `NativeFormat.encode(_: Span)` (which stays the reference: tests check both give the same
/// bytes), with no `JSON` value made for the line on the way.
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

    public static func append(_ s: Span, to out: inout [UInt8]) {
        emit(s, to: &out)
    }

    /// `append` into any `JSONOutput` (an array, or `TraceOutput`'s `ByteBuffer`).
    static func emit<Out: JSONOutput>(_ s: Span, to out: inout Out) {
        literal("{\"span_id\":", &out)
        JSONWriter.writeString(s.id.rawValue, into: &out)
        if let parent = s.parentID {
            literal(",\"parent_span_id\":", &out)
            JSONWriter.writeString(parent.rawValue, into: &out)
        }
        literal(",\"kind\":", &out)
        JSONWriter.writeString(s.kind.rawValue, into: &out)
        literal(",\"name\":", &out)
        JSONWriter.writeString(s.name, into: &out)
        if let start = s.startTime {
            literal(",\"start_time\":", &out)
            JSONWriter.writeString(start.text, into: &out)
        }
        if let end = s.endTime {
            literal(",\"end_time\":", &out)
            JSONWriter.writeString(end.text, into: &out)
        }
        literal(",\"status\":", &out)
        JSONWriter.writeString(s.status.rawValue, into: &out)
        if !s.attributes.isEmpty {
            literal(",\"attributes\":", &out)
            JSONWriter.write(s.attributes.members, into: &out)
        }
        if let input = s.input {
            literal(",\"input\":", &out)
            JSONWriter.emit(input, into: &out)
        }
        if let output = s.output {
            literal(",\"output\":", &out)
            JSONWriter.emit(output, into: &out)
        }
        if let details = s.details {
            literal(",\"details\":", &out)
            JSONWriter.emit(details, into: &out)
        }
        if !s.effects.isEmpty {
            literal(",\"effects\":[", &out)
            for i in s.effects.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.emit(NativeFormat.encode(s.effects[i]), into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        if let tree = s.recordedTree {
            literal(",\"recorded_tree\":", &out)
            JSONWriter.writeString(tree, into: &out)
        }
        literal("}\n", &out)
    }

    @inline(__always)
    private static func literal<Out: JSONOutput>(_ text: StaticString, _ out: inout Out) {
        out.append(literal: text)
    }
}
