#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Replay
import Trace

/// What makes two spans "the same call" when two runs are aligned: kind, tool and input, with
/// each run's recorded repo root taken out of the input (two sessions of the same task rarely
/// run in the same folder).
public struct SpanKey: Hashable, Sendable {
    public var kind: Span.Kind
    public var tool: String?
    public var input: String

    public init(kind: Span.Kind, tool: String?, input: String) {
        self.kind = kind
        self.tool = tool
        self.input = input
    }

    public init(_ span: Span, root: String?) {
        self.init(kind: span.kind, tool: span.toolName, input: SpanKey.normalise(span.input, root: root))
    }

    /// The JSON text of `value` with `root/` removed from every string in it.
    public static func normalise(_ value: JSON?, root: String?) -> String {
        guard let value else { return "" }
        guard let root, !root.isEmpty else { return JSONWriter.string(value) }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return JSONWriter.string(strip(value, prefix))
    }

    static func strip(_ value: JSON, _ prefix: String) -> JSON {
        switch value {
        case .string(let s) where s.containsBytes(of: prefix):
            return .string(s.replacingAll(prefix, with: ""))
        case .array(let a): return .array(a.map { strip($0, prefix) })
        case .object(let o): return .object(o.map { ($0.0, strip($0.1, prefix)) })
        default: return value
        }
    }
}

extension String {
    /// Whether `target`'s UTF-8 bytes occur in this string's (no character breaking).
    func containsBytes(of target: String) -> Bool {
        var haystack = self, needle = target
        return haystack.withUTF8 { h in
            needle.withUTF8 { n in
                guard n.count > 0 else { return true }
                guard h.count >= n.count else { return false }
                let first = n[0]
                for i in 0...(h.count - n.count) where h[i] == first {
                    if memcmp(h.baseAddress! + i, n.baseAddress!, n.count) == 0 { return true }
                }
                return false
            }
        }
    }

    /// Every occurrence of `target` replaced, matching UTF-8 bytes exactly.
    func replacingAll(_ target: String, with replacement: String) -> String {
        let t = Array(target.utf8)
        let bytes = Array(utf8)
        guard !t.isEmpty, bytes.count >= t.count else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if i + t.count <= bytes.count, bytes[i] == t[0], bytes[i..<(i + t.count)].elementsEqual(t) {
                out.append(contentsOf: replacement.utf8)
                i += t.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
