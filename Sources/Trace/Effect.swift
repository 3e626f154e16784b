/// A file effect a recorder captured for a span: what a path became.
public struct Effect: Sendable, Equatable {
    public enum Operation: String, Sendable {
        /// The file now holds `content` (or the blob `blob`).
        case write
        /// The file no longer exists.
        case delete
    }

    /// The path as recorded (absolute, or relative to the session's repo root).
    public var path: String
    public var operation: Operation
    /// The new content as UTF-8 text, for `write`.
    public var content: String?
    /// The new content's git blob id, for `write` when the recorder kept ids instead of text.
    public var blob: String?
    /// Whether the file is executable, for `write`.
    public var executable: Bool

    public init(path: String, operation: Operation, content: String? = nil, blob: String? = nil, executable: Bool = false) {
        self.path = path
        self.operation = operation
        self.content = content
        self.blob = blob
        self.executable = executable
    }
}
