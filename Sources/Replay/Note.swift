/// A step's note for people: what replay did with it and why, one clause after another.
extension Optional where Wrapped == String {
    /// Adds `line` as the note's last clause (after `; `), or makes it the note.
    mutating func appendClause(_ line: String) {
        self = map { $0 + "; " + line } ?? line
    }
}
