#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The native trace format, version 1: NDJSON, the session header on line 1, then one span per
/// line. This file maps `Trace.Header` and `Span` to and from their JSON objects; member order
/// is fixed here, which makes the writer canonical. `docs/trace-format.md` is its description
/// and `docs/trace-format.schema.json` its JSON Schema.
public enum NativeFormat {
    /// The value of the header's `agentreplay` member that identifies a native trace.
    public static let magic = "trace"

    public static func encode(_ h: Trace.Header) -> JSON {
        var m: [(String, JSON)] = [
            ("agentreplay", .string(magic)),
            ("version", .number(h.version)),
            ("trace_id", .string(h.traceID)),
            ("agent", .object([("name", .string(h.agentName))] + optional("version", h.agentVersion))),
        ]
        m += optional("repo_root", h.repoRoot)
        m += optional("base_commit", h.baseCommit)
        m += optional("base_tree", h.baseTree)
        m += optional("branch", h.branch)
        m.append(("source", .object([("format", .string(h.sourceFormat))] + optional("file", h.sourceFile))))
        return .object(m)
    }

    public static func encode(_ s: Span) -> JSON {
        var m: [(String, JSON)] = [("span_id", .string(s.id.rawValue))]
        m += optional("parent_span_id", s.parentID?.rawValue)
        m.append(("kind", .string(s.kind.rawValue)))
        m.append(("name", .string(s.name)))
        m += optional("start_time", s.startTime?.text)
        m += optional("end_time", s.endTime?.text)
        m.append(("status", .string(s.status.rawValue)))
        if !s.attributes.isEmpty { m.append(("attributes", .object(s.attributes.members))) }
        if let input = s.input { m.append(("input", input)) }
        if let output = s.output { m.append(("output", output)) }
        if let details = s.details { m.append(("details", details)) }
        if !s.effects.isEmpty { m.append(("effects", .array(s.effects.map(encode)))) }
        m += optional("recorded_tree", s.recordedTree)
        return .object(m)
    }

    static func encode(_ e: Effect) -> JSON {
        var m: [(String, JSON)] = [("path", .string(e.path)), ("op", .string(e.operation.rawValue))]
        m += optional("content", e.content)
        m += optional("blob", e.blob)
        if e.executable { m.append(("executable", .bool(true))) }
        return .object(m)
    }

    private static func optional(_ key: String, _ value: String?) -> [(String, JSON)] {
        value.map { [(key, .string($0))] } ?? []
    }

    /// Whether a parsed first line is a native header.
    public static func isHeader(_ value: JSON) -> Bool {
        value["agentreplay"]?.stringValue == magic
    }

    public static func decodeHeader(_ value: JSON, file: String, line: Int) throws(TraceError) -> Trace.Header {
        let d = try FieldDecoder(value, file: file, line: line)
        guard try d.optionalString("agentreplay") == magic else {
            throw d.error("agentreplay", "not a native trace header (expected \"agentreplay\": \"\(magic)\")")
        }
        let version = try d.int("version")
        guard version == Trace.Header.currentVersion else {
            throw d.error("version", "unsupported version \(version); this agentreplay reads version \(Trace.Header.currentVersion)")
        }
        let traceID = try d.string("trace_id")
        guard !traceID.isEmpty else { throw d.error("trace_id", "empty") }
        let agent = try d.object("agent")
        let source = try d.optionalObject("source")
        let header = Trace.Header(
            version: version, traceID: traceID,
            agentName: try agent.string("name"), agentVersion: try agent.optionalString("version"),
            repoRoot: try d.optionalString("repo_root"),
            baseCommit: try d.optionalString("base_commit"), baseTree: try d.optionalString("base_tree"),
            branch: try d.optionalString("branch"),
            sourceFormat: try source?.optionalString("format") ?? "native",
            sourceFile: try source?.optionalString("file"))
        for (key, id) in [("base_commit", header.baseCommit), ("base_tree", header.baseTree)] {
            if let id, !isObjectID(id) { throw d.error(key, "not a 40-digit hex object id: \"\(id.prefix(60))\"") }
        }
        return header
    }

    /// Attributes whose value must be a string.
    static let stringAttributes = [GenAI.toolName, GenAI.toolCallID, GenAI.requestModel]
    /// Attributes whose value must be a whole number.
    static let countAttributes = [GenAI.inputTokens, GenAI.outputTokens, GenAI.cacheReadTokens, GenAI.cacheCreationTokens]

    /// The type an attribute's value must have, by its name.
    enum AttributeType { case string, count }

    /// The type `name`'s value must have, or nil for any (the names of `stringAttributes` and
    /// `countAttributes`; most names are told apart by their length alone).
    static func attributeType(_ name: String) -> AttributeType? {
        let length = name.utf8.count
        guard length < 64, typedNameLengths & (1 << length) != 0 else { return nil }
        if stringAttributes.contains(where: { sameBytes($0, name) }) { return .string }
        if countAttributes.contains(where: { sameBytes($0, name) }) { return .count }
        return nil
    }

    /// Whether two strings have the same UTF-8 (what `==` says for the ASCII names compared
    /// here, without its Unicode machinery).
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb in
                pa.count == pb.count && (pa.count == 0 || memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0)
            }
        }.flatMap { $0 } ?? a.utf8.elementsEqual(b.utf8)
    }

    /// Bit n set when a name of `stringAttributes` or `countAttributes` is n bytes long.
    private static let typedNameLengths: UInt64 = (stringAttributes + countAttributes).reduce(0) { mask, name in
        precondition(name.utf8.count < 64)
        return mask | (1 << name.utf8.count)
    }

    public static func decodeSpan(_ value: JSON, file: String, line: Int) throws(TraceError) -> Span {
        let d = try FieldDecoder(value, file: file, line: line)
        let id = try d.string("span_id")
        guard !id.isEmpty else { throw d.error("span_id", "empty") }
        let kindText = try d.string("kind")
        guard let kind = Span.Kind(rawValue: kindText) else {
            throw d.error(
                "kind", "unknown kind \"\(kindText.prefix(40))\" (expected one of \(Span.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let statusText = try d.optionalString("status") ?? "unset"
        guard let status = Span.Status(rawValue: statusText) else {
            throw d.error("status", "unknown status \"\(statusText.prefix(40))\" (expected unset, ok or error)")
        }
        var attributes = Attributes()
        if let a = try d.optionalObject("attributes") {
            for (k, v) in a.members {
                guard attributes[k] == nil else { throw a.error(k, "the same attribute appears twice") }
                attributes[k] = v
            }
            for key in stringAttributes {
                if let v = attributes[key], v.stringValue == nil {
                    throw a.error(key, "expected a string, found \(v.typeDescription)")
                }
            }
            for key in countAttributes {
                if let v = attributes[key], v.intValue == nil {
                    throw a.error(key, "expected a whole number, found \(v.typeDescription)")
                }
            }
        }
        if kind == .tool {
            guard attributes[GenAI.toolName] != nil else {
                throw d.error("attributes.\(GenAI.toolName)", "missing on a tool span")
            }
        }
        let effects = try decodeEffects(try d.optionalArray("effects") ?? [], file: file, line: line)
        let recordedTree = try d.optionalString("recorded_tree")
        if let t = recordedTree, !isObjectID(t) { throw d.error("recorded_tree", "not a 40-digit hex object id") }
        return Span(
            id: Span.ID(id), parentID: try d.optionalString("parent_span_id").map(Span.ID.init),
            kind: kind, name: try d.string("name"),
            startTime: try d.optionalTimestamp("start_time"), endTime: try d.optionalTimestamp("end_time"),
            status: status, attributes: attributes,
            // Kept as read, `null` included (the writer writes a null it holds): not `d[…]`,
            // which takes null as absent.
            input: d.members.first { $0.0 == "input" }?.1, output: d.members.first { $0.0 == "output" }?.1,
            details: d.members.first { $0.0 == "details" }?.1,
            effects: effects, recordedTree: recordedTree)
    }

    /// The members of a span's `effects` array, in order; errors name `effects[i].field`.
    static func decodeEffects(_ elements: [JSON], file: String, line: Int) throws(TraceError) -> [Effect] {
        var effects: [Effect] = []
        for (i, e) in elements.enumerated() {
            let ed = try FieldDecoder(e, file: file, line: line, path: "effects[\(i)]")
            let opText = try ed.string("op")
            guard let op = Effect.Operation(rawValue: opText) else {
                throw ed.error("op", "unknown operation \"\(opText.prefix(40))\" (expected write or delete)")
            }
            let effect = Effect(
                path: try ed.string("path"), operation: op,
                content: try ed.optionalString("content"), blob: try ed.optionalString("blob"),
                executable: try ed.optionalBool("executable") ?? false)
            if op == .write && effect.content == nil && effect.blob == nil {
                throw ed.error("content", "a write effect needs content or blob")
            }
            if let blob = effect.blob, !isObjectID(blob) {
                throw ed.error("blob", "not a 40-digit hex object id")
            }
            effects.append(effect)
        }
        return effects
    }

    static func isObjectID(_ s: String) -> Bool {
        s.utf8.count == 40 && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
