/// The headers sent with an export: `--header KEY=VALUE` and OpenTelemetry's
/// `OTEL_EXPORTER_OTLP_HEADERS` (`key1=value1,key2=value2`, values percent-decoded, as the
/// specification says). Names must be HTTP tokens and values free of control characters (a
/// value cannot smuggle a second header); the headers the export itself decides
/// (`Content-Type`, `Content-Length`, `Transfer-Encoding`) cannot be set. Values are never
/// printed: they often hold a token.
public enum CollectorHeaders {
    public typealias Header = (name: String, value: String)

    /// Names the export sets itself.
    static let reserved: Set<String> = ["content-type", "content-length", "transfer-encoding"]

    /// One `KEY=VALUE` of `--header`; the value is taken as written.
    public static func flag(_ text: String) throws(CollectorError) -> Header {
        guard let eq = text.firstIndex(of: "=") else {
            throw .settings("--header '\(name(of: text))': expected KEY=VALUE")
        }
        return try checked(String(text[..<eq]).trimmingSpaces, String(text[text.index(after: eq)...]).trimmingSpaces, from: "--header")
    }

    /// The list of an `OTEL_EXPORTER_OTLP_*HEADERS` variable; empty members are skipped.
    public static func environment(_ text: String, from variable: String) throws(CollectorError) -> [Header] {
        var out: [Header] = []
        for member in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = String(member).trimmingSpaces
            if item.isEmpty { continue }
            guard let eq = item.firstIndex(of: "=") else {
                throw .settings("\(variable): '\(name(of: item))' is not key=value")
            }
            let key = String(item[..<eq]).trimmingSpaces
            guard let value = String(item[item.index(after: eq)...]).trimmingSpaces.removingPercentEncodingStrictly else {
                throw .settings("\(variable): the value of '\(key)' has a broken percent-encoding")
            }
            out.append(try checked(key, value, from: variable))
        }
        return out
    }

    /// `later` laid over `earlier`: a name given again (in any case) replaces the earlier
    /// value, in the earlier one's place.
    public static func merge(_ earlier: [Header], _ later: [Header]) -> [Header] {
        var out = earlier
        for header in later {
            if let i = out.firstIndex(where: { $0.name.lowercased() == header.name.lowercased() }) {
                out[i] = header
            } else {
                out.append(header)
            }
        }
        return out
    }

    static func checked(_ name: String, _ value: String, from source: String) throws(CollectorError) -> Header {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(isTokenCharacter) else {
            throw .settings("\(source): '\(Self.name(of: name))' is not a header name (letters, digits and !#$%&'*+-.^_`|~)")
        }
        if reserved.contains(name.lowercased()) {
            throw .settings("\(source): \(name) is set by the export itself (--otlp-protocol chooses the content type)")
        }
        guard value.unicodeScalars.allSatisfy({ $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }) else {
            throw .settings("\(source): the value of \(name) has a control character")
        }
        return (name, value)
    }

    /// RFC 9110's `tchar`.
    static func isTokenCharacter(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        default: return "!#$%&'*+-.^_`|~".unicodeScalars.contains(s)
        }
    }

    /// What may be shown of a malformed member: the part before `=` (never a value), made
    /// visible.
    static func name(of text: String) -> String {
        let key = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
        return String(key.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) }.prefix(64))
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }

    /// Percent-decoded, or nil when a `%` is not followed by two hex digits or the bytes are
    /// not UTF-8.
    var removingPercentEncodingStrictly: String? {
        var bytes: [UInt8] = []
        var it = Array(utf8)[...]
        while let b = it.popFirst() {
            if b != UInt8(ascii: "%") { bytes.append(b); continue }
            let digits = Array(it.prefix(2))
            guard digits.count == 2, digits.allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
                let v = UInt8(String(decoding: digits, as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(v)
            it = it.dropFirst(2)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
