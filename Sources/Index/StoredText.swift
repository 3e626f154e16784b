/// Text as both stores keep it. PostgreSQL's text cannot hold a NUL character, and SQLite
/// bound as a C string would cut the text at the first one: a NUL (a log may write one as
/// `\u0000`) is stored as U+FFFD in both, so they hold the same rows (docs/index.md, "NUL").
enum StoredText {
    static func storable(_ text: String) -> String {
        text.utf8.contains(0) ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
    }
}
