import Foundation

/// Text as both stores keep it. PostgreSQL's text cannot hold a NUL character, and SQLite
/// bound as a C string would cut the text at the first one: a NUL (a log may write one as
/// `\u0000`) is stored as U+FFFD in both, so they hold the same rows (docs/index.md, "NUL").
enum StoredText {
    static func storable(_ text: String) -> String {
        holdsNUL(text) ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
    }

    /// Whether a NUL byte is in `text`: `memchr` over its storage (each value bound is looked
    /// at; a byte-by-byte `contains` was about 500 instructions a value).
    static func holdsNUL(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, 0, bytes.count) != nil
        } ?? text.utf8.contains(0)
    }
}
