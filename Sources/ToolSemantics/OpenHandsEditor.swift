import Trace

/// OpenHands' file editor (`openhands_aci`'s `OHEditor`, behind CodeActAgent's
/// `str_replace_editor` tool) as it treats text. It differs from SWE-agent's editor:
///
/// - no tab expansion: the file and the strings are matched as they are;
/// - it reads with Python's universal newlines (`\r\n` and `\r` read as `\n`) and writes `\n`,
///   UTF-8 (else the encoding it detected; Latin-1 stands for that here);
/// - `str_replace` looks for `old_str` exactly (non-overlapping, as `re.finditer` does); when
///   it is not there, it strips white space from both ends of `old_str` *and* `new_str`
///   (`str.strip()`) and looks again; it replaces only a unique match;
/// - `insert` writes the lines before `insert_line` as they were, then every line of `new_str`
///   followed by `\n`, then the rest: a last line without a newline is joined to what is
///   inserted after it;
/// - `undo_edit` restores the text the last edit of the path read (its history keeps ten).
///
/// Text is held as UTF-8 bytes; Python's code-point counting and matching agree with byte
/// matching on valid UTF-8.
package enum OpenHandsEditor {
    package struct Refusal: Error, Equatable {
        package var message: String
        init(_ message: String) { self.message = message }
    }

    /// How many edits of one path `undo_edit` can go back (`FileHistoryManager(max_history_per_file=10)`).
    package static let historyLimit = 10

    static func show(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// `str_replace` on `text` (already read as the editor reads it): the new text, or the
    /// editor's refusal.
    package static func replace(in text: [UInt8], old oldString: String, new newString: String?, path: String) -> Result<[UInt8], Refusal> {
        if newString == oldString {
            return .failure(
                Refusal("Invalid `new_str` parameter: \(newString ?? ""). No replacement was performed. `new_str` and `old_str` must be different."))
        }
        var old = Array(oldString.utf8)
        var new = Array((newString ?? "").utf8)
        var found = matches(of: old, in: text)
        if found.isEmpty {
            // Possibly white space at either end: strip both strings and look again.
            old = Array(strip(oldString).utf8)
            new = Array(strip(newString ?? "").utf8)
            found = matches(of: old, in: text)
            if found.isEmpty {
                return .failure(Refusal("No replacement was performed, old_str `\(show(old))` did not appear verbatim in \(path)."))
            }
        }
        if found.count > 1 {
            let lines = lineNumbers(at: found, in: text).map(String.init)
            return .failure(
                Refusal(
                    "No replacement was performed. Multiple occurrences of old_str `\(show(old))` in lines [\(lines.joined(separator: ", "))]. Please ensure it is unique."
                ))
        }
        return .success(Bytes.replacing([found[0]], length: old.count, with: new, in: text))
    }

    /// Where `re.finditer(re.escape(needle), text)` matches: non-overlapping exact matches, and
    /// for an empty needle every code point boundary.
    static func matches(of needle: [UInt8], in text: [UInt8]) -> [Int] {
        guard needle.isEmpty else { return Bytes.occurrences(of: needle, in: text) }
        return text.indices.filter { text[$0] & 0xC0 != 0x80 } + [text.count]
    }

    /// The 1-based lines of the (ascending) byte `offsets`, each named once, in one pass.
    static func lineNumbers(at offsets: [Int], in text: [UInt8]) -> [Int] {
        var out: [Int] = []
        var line = 1
        var position = 0
        for offset in offsets {
            while position < offset {
                if text[position] == 0x0A { line += 1 }
                position += 1
            }
            if out.last != line { out.append(line) }
        }
        return out
    }

    /// `insert`: `new` as whole lines after line `line` (0: at the top).
    package static func insert(in text: [UInt8], line: Int64, new newString: String) -> Result<[UInt8], Refusal> {
        let lines = lines(text)
        guard line >= 0, line <= Int64(lines.count) else {
            return .failure(Refusal("Invalid `insert_line` parameter: \(line). It should be within the range of allowed values: [0, \(lines.count)]"))
        }
        var out = Array(lines[..<Int(line)].joined())
        for added in Array(newString.utf8).split(separator: 0x0A, omittingEmptySubsequences: false) {
            out += added
            out.append(0x0A)
        }
        out += lines[Int(line)...].joined()
        return .success(out)
    }

    /// The lines of `text` as Python iterates a file: each with its `\n`, the last one
    /// without when the text does not end with one.
    static func lines(_ text: [UInt8]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = 0
        for (i, b) in text.enumerated() where b == 0x0A {
            out.append(text[start...i])
            start = i + 1
        }
        if start < text.count { out.append(text[start...]) }
        return out
    }

    /// Python's `str.strip()`: white space (`str.isspace`) removed from both ends.
    package static func strip(_ s: String) -> String { RecordedError.trimmingSpace(s) }
}
