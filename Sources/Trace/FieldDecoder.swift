/// Typed access to the members of one JSON object, throwing `TraceError`s that name the file,
/// line and field. Used by the native reader and by every importer.
public struct FieldDecoder {
    public let file: String
    public let line: Int
    public let path: String
    public let members: [(String, JSON)]

    public init(_ value: JSON, file: String, line: Int, path: String = "") throws(TraceError) {
        guard case .object(let members) = value else {
            throw TraceError(file: file, line: line, field: path.isEmpty ? nil : path, message: "expected an object, found \(value.typeDescription)")
        }
        self.file = file
        self.line = line
        self.path = path
        self.members = members
    }

    func name(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    public func error(_ key: String?, _ message: String) -> TraceError {
        TraceError(file: file, line: line, field: key.map(name) ?? (path.isEmpty ? nil : path), message: message)
    }

    public subscript(key: String) -> JSON? {
        guard let v = members.first(where: { $0.0 == key })?.1, !v.isNull else { return nil }
        return v
    }

    public func has(_ key: String) -> Bool { self[key] != nil }

    public func string(_ key: String) throws(TraceError) -> String {
        guard let v = self[key] else { throw error(key, "missing") }
        guard let s = v.stringValue else { throw error(key, "expected a string, found \(v.typeDescription)") }
        return s
    }

    public func optionalString(_ key: String) throws(TraceError) -> String? {
        guard let v = self[key] else { return nil }
        guard let s = v.stringValue else { throw error(key, "expected a string, found \(v.typeDescription)") }
        return s
    }

    public func optionalInt(_ key: String) throws(TraceError) -> Int64? {
        guard let v = self[key] else { return nil }
        guard let i = v.intValue else { throw error(key, "expected a whole number, found \(v.typeDescription)") }
        return i
    }

    public func int(_ key: String) throws(TraceError) -> Int64 {
        guard let i = try optionalInt(key) else { throw error(key, "missing") }
        return i
    }

    public func optionalBool(_ key: String) throws(TraceError) -> Bool? {
        guard let v = self[key] else { return nil }
        guard let b = v.boolValue else { throw error(key, "expected true or false, found \(v.typeDescription)") }
        return b
    }

    public func optionalArray(_ key: String) throws(TraceError) -> [JSON]? {
        guard let v = self[key] else { return nil }
        guard let a = v.arrayValue else { throw error(key, "expected an array, found \(v.typeDescription)") }
        return a
    }

    public func optionalObject(_ key: String) throws(TraceError) -> FieldDecoder? {
        guard let v = self[key] else { return nil }
        return try FieldDecoder(v, file: file, line: line, path: name(key))
    }

    public func object(_ key: String) throws(TraceError) -> FieldDecoder {
        guard let o = try optionalObject(key) else { throw error(key, "missing") }
        return o
    }

    public func optionalTimestamp(_ key: String) throws(TraceError) -> Timestamp? {
        guard let s = try optionalString(key) else { return nil }
        guard let t = Timestamp(rfc3339: s) else { throw error(key, "not an RFC 3339 time: \"\(s.prefix(40))\"") }
        return t
    }

    public func element(_ value: JSON, _ index: Int, of key: String) throws(TraceError) -> FieldDecoder {
        try FieldDecoder(value, file: file, line: line, path: name(key) + "[\(index)]")
    }
}
