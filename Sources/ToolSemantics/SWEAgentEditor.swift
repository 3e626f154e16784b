/// SWE-agent's `str_replace_editor` (`tools/edit_anthropic/bin/str_replace_editor`, a Python
/// script) as it treats text:
///
/// - it reads a file with `Path.read_text`: the locale's encoding (UTF-8 in SWE-agent's
///   images), else Latin-1, and *universal newlines* (`\r\n` and `\r` read as `\n`);
/// - `str_replace` and `insert` call `str.expandtabs()` on the whole file and on the strings
///   given, so every tab in the file becomes spaces to the next multiple of 8 columns
///   (columns count code points, restarting after each newline);
/// - it writes with `Path.write_text` in the encoding it read with (UTF-8 for a new file),
///   newlines as `\n`: a CRLF file comes back LF.
///
/// Text is held here as UTF-8 bytes; counting and matching on them is the same as Python's
/// on code points, since a valid UTF-8 needle can only match at character boundaries.
package enum SWEAgentEditor {
    package enum Encoding { case utf8, latin1 }

    package struct Text {
        package var bytes: [UInt8]
        package var encoding: Encoding
    }

    /// A file's bytes read as the editor reads them.
    package static func read(_ bytes: [UInt8]) -> Text {
        if Bytes.isValidUTF8(bytes) { return Text(bytes: universalNewlines(bytes), encoding: .utf8) }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes {
            if b < 0x80 { utf8.append(b) } else { utf8 += [0xC0 | (b >> 6), 0x80 | (b & 0x3F)] }
        }
        return Text(bytes: universalNewlines(utf8), encoding: .latin1)
    }

    /// The text written back in `encoding`, or nil when it has characters Latin-1 lacks.
    package static func write(_ text: [UInt8], as encoding: Encoding) -> [UInt8]? {
        switch encoding {
        case .utf8: return text
        case .latin1:
            var out: [UInt8] = []
            var iterator = text.makeIterator()
            var decoder = UTF8()
            while case .scalarValue(let s) = decoder.decode(&iterator) {
                guard s.value <= 0xFF else { return nil }
                out.append(UInt8(s.value))
            }
            return out
        }
    }

    static func universalNewlines(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(0x0D) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D {
                out.append(0x0A)
                i += i + 1 < bytes.count && bytes[i + 1] == 0x0A ? 2 : 1
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// Python's `str.expandtabs(8)` on UTF-8 text.
    package static func expandTabs(_ bytes: [UInt8], size: Int = 8) -> [UInt8] {
        guard bytes.contains(0x09) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 4)
        var column = 0
        for b in bytes {
            switch b {
            case 0x09:
                let spaces = size - column % size
                out += repeatElement(0x20, count: spaces)
                column += spaces
            case 0x0A, 0x0D:
                out.append(b)
                column = 0
            default:
                out.append(b)
                if b & 0xC0 != 0x80 { column += 1 }  // one column per code point
            }
        }
        return out
    }

    static func expandTabs(_ s: String) -> [UInt8] { expandTabs(Array(s.utf8)) }

    static func codePoints(_ bytes: [UInt8]) -> Int { bytes.reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) } }

    static func show(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// `str_replace`: the new text, or the editor's refusal.
    package static func replace(in text: [UInt8], old oldString: String, new newString: String?, path: String) -> Result<[UInt8], Refusal> {
        let content = expandTabs(text)
        let old = expandTabs(oldString)
        let new = expandTabs(newString ?? "")
        let found = old.isEmpty ? [] : Bytes.occurrences(of: old, in: content, limit: 2)
        let count = old.isEmpty ? codePoints(content) + 1 : found.count
        if count == 0 {
            return .failure(Refusal("No replacement was performed, old_str `\(show(old))` did not appear verbatim in \(path)."))
        }
        if count > 1 {
            let lines = content.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated()
                .filter { old.isEmpty || Bytes.contains(old, in: Array($0.element)) }.map { String($0.offset + 1) }
            return .failure(
                Refusal(
                    "No replacement was performed. Multiple occurrences of old_str `\(show(old))` in lines [\(lines.joined(separator: ", "))]. Please ensure it is unique"
                ))
        }
        if new == old {
            return .failure(Refusal("No replacement was performed, old_str `\(show(old))` is the same as new_str `\(show(new))`."))
        }
        if old.isEmpty { return .success(new) }  // only an empty file has one occurrence of ""
        return .success(Bytes.replacing([found[0]], length: old.count, with: new, in: content))
    }

    /// `insert`: `new` as lines after line `line` (0: at the top).
    package static func insert(in text: [UInt8], line: Int64, new newString: String) -> Result<[UInt8], Refusal> {
        let content = expandTabs(text)
        var lines = content.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        guard line >= 0, line <= Int64(lines.count) else {
            return .failure(
                Refusal("Invalid `insert_line` parameter: \(line). It should be within the range of lines of the file: [0, \(lines.count)]"))
        }
        let added = expandTabs(newString).split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        lines.insert(contentsOf: added, at: Int(line))
        return .success(Array(lines.joined(separator: [0x0A])))
    }

    package struct Refusal: Error, Equatable {
        package var message: String
        init(_ message: String) { self.message = message }
    }
}
