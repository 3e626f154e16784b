import Trace

/// The one gate between a report or a message and a terminal: `render` makes every control
/// character visible (`VisibleText.escape`, tab and newline kept), so nothing a log holds — a
/// file name, a tool name, a command, the log's own name — reaches standard output or
/// standard error as a control sequence, whatever `--color` says.
///
/// agentreplay's own colours survive because a `Palette` never writes ESC itself: it writes
/// `escapeMark`, a few private-use characters drawn at random when the process starts, which
/// a log cannot know and so cannot forge; `render` escapes the text first and only then turns
/// the marks into ESC. The mark never reaches the output, so what is written stays
/// deterministic. `--json`, traces and files are data and are written exact, not rendered.
enum TerminalText {
    /// Stands for ESC in painted text until `render`: four scalars of the Supplementary
    /// Private Use Area-A (U+F0000–U+FFFFD), 64 bits of chance against a guess.
    static let escapeMark: String = {
        var generator = SystemRandomNumberGenerator()
        var scalars = String.UnicodeScalarView()
        for _ in 0..<4 { scalars.append(Unicode.Scalar(UInt32.random(in: 0xF0000...0xFFFFD, using: &generator))!) }
        return String(scalars)
    }()

    /// `text` as it may be shown: control characters escaped (tab and newline kept), then the
    /// palette's marks turned into ESC.
    static func render(_ text: String) -> String {
        // Plain ASCII without controls (the common case, a report of a hundred thousand
        // lines) has nothing to escape and no mark: it is returned as it is.
        var plain = text
        let isPlain = plain.withUTF8 { bytes in
            for byte in bytes where byte < 0x20 || byte >= 0x7F {
                if byte != 0x0A && byte != 0x09 { return false }
            }
            return true
        }
        if isPlain { return text }
        let mark = Array(escapeMark.unicodeScalars)
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == mark[0], i + mark.count <= scalars.count, Array(scalars[i..<(i + mark.count)]) == mark {
                out.append("\u{1B}")
                i += mark.count
                continue
            }
            let scalar = scalars[i]
            if VisibleText.needsEscape(scalar, keepLines: true) {
                out.append(contentsOf: VisibleText.escape(String(scalar)).unicodeScalars)
            } else {
                out.append(scalar)
            }
            i += 1
        }
        return String(out)
    }

    /// One line as it may be shown (a progress line): newlines and tabs escaped too.
    static func renderLine(_ text: String) -> String {
        VisibleText.escape(text)
    }
}
