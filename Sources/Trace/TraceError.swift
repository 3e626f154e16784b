/// Bad input in a trace or session log: names the file, the 1-based line and the field.
public struct TraceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line number; 0 when the problem is the file as a whole.
    public var line: Int
    /// The field at fault, as a dotted path (`attributes.gen_ai.tool.name`), or nil.
    public var field: String?
    public var message: String

    public init(file: String, line: Int, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var s = file
        if line > 0 { s += ":\(line)" }
        if let field { s += ": field '\(field)'" }
        return s + ": " + message
    }
}
