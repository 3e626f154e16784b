import Trace

/// A SWE-agent action line (`trajectory[i].action`) read as the shell and the tool's
/// `argparse` would read it, without running anything.
///
/// SWE-agent runs the action in bash: `str_replace_editor <command> <path> --old_str '…'
/// --new_str '…'` with every argument shell-quoted (`'…'`, and `'"'"'` for a quote inside).
/// An action that is one plain command of `str_replace_editor` becomes its arguments; one
/// that uses anything the shell would expand or connect (`$`, backquotes, globs, `;`, `&&`,
/// pipes, redirections, a second line) is a shell command whose effects are unknown.
enum SWEAgentAction: Equatable {
    /// `str_replace_editor` with its arguments by name (`command`, `path`, `file_text`,
    /// `old_str`, `new_str`, `insert_line`, `view_range`).
    case editor([(String, JSON)])
    /// `str_replace_editor` with arguments its `argparse` rejects (it exits with a usage error).
    case editorUsageError(String)
    case submit
    /// One of SWE-agent 0.x's windowed commands (`open`, `edit`, …): its name and input
    /// (`SWEAgentWindowedAction`).
    case windowed(String, JSON)
    /// Anything else: run by the shell.
    case shell

    static func == (a: SWEAgentAction, b: SWEAgentAction) -> Bool {
        switch (a, b) {
        case let (.editor(x), .editor(y)): return JSON.object(x) == JSON.object(y)
        case let (.editorUsageError(x), .editorUsageError(y)): return x == y
        case let (.windowed(x, i), .windowed(y, j)): return x == y && i == j
        case (.submit, .submit), (.shell, .shell): return true
        default: return false
        }
    }

    static func parse(_ action: String) -> SWEAgentAction {
        if let (name, input) = SWEAgentWindowedAction.parse(action) { return .windowed(name, input) }
        guard let words = ShellWords.split(action), let first = words.first else { return .shell }
        switch first {
        case "submit" where words.count == 1: return .submit
        case "str_replace_editor": return EditorArguments.parse(Array(words.dropFirst()))
        default: return .shell
        }
    }
}

/// POSIX shell word splitting for one simple command, or nil when the text is more than that
/// (or uses expansions whose result the text alone does not determine).
enum ShellWords {
    static func split(_ text: String) -> [String]? {
        var words: [String] = []
        var word = ""
        var inWord = false
        var scalars = Array(text.unicodeScalars)
        while let last = scalars.last, last == " " || last == "\t" || last == "\n" || last == "\r" { scalars.removeLast() }
        var i = 0
        func end() {
            if inWord { words.append(word) }
            word = ""
            inWord = false
        }
        while i < scalars.count {
            let c = scalars[i]
            switch c {
            case " ", "\t":
                end()
                i += 1
            case "\\":
                guard i + 1 < scalars.count else { return nil }
                if scalars[i + 1] != "\n" { word.unicodeScalars.append(scalars[i + 1]); inWord = true }
                i += 2
            case "'":
                guard let close = scalars[(i + 1)...].firstIndex(of: "'") else { return nil }
                word.unicodeScalars.append(contentsOf: scalars[(i + 1)..<close])
                inWord = true
                i = close + 1
            case "\"":
                i += 1
                inWord = true
                while true {
                    guard i < scalars.count else { return nil }
                    let d = scalars[i]
                    if d == "\"" { i += 1; break }
                    if d == "$" || d == "`" { return nil }
                    if d == "\\", i + 1 < scalars.count, ["$", "`", "\"", "\\", "\n"].contains(scalars[i + 1]) {
                        if scalars[i + 1] != "\n" { word.unicodeScalars.append(scalars[i + 1]) }
                        i += 2
                        continue
                    }
                    word.unicodeScalars.append(d)
                    i += 1
                }
            case "#" where !inWord:
                // A comment runs to the end of the line; a second line would be a second command.
                guard let newline = scalars[i...].firstIndex(of: "\n") else { i = scalars.count; break }
                if scalars[(newline + 1)...].contains(where: { $0 != " " && $0 != "\t" && $0 != "\n" }) { return nil }
                i = scalars.count
            case "\n", "\r", ";", "&", "|", "<", ">", "(", ")", "$", "`", "*", "?", "[", "{", "}":
                return nil
            case "~" where !inWord:
                return nil
            default:
                word.unicodeScalars.append(c)
                inWord = true
                i += 1
            }
        }
        end()
        return words
    }
}

/// `str_replace_editor`'s command line as Python's `argparse` parses it: positionals
/// `command` and `path`, options `--file_text`, `--view_range` (two integers), `--old_str`,
/// `--new_str`, `--insert_line` (an integer); `--name=value`, unambiguous prefixes of option
/// names, the last of a repeated option wins; a value that looks like an option (starts with
/// `-`, is not a negative number and has no space) is not taken as a value.
enum EditorArguments {
    static let options: [(name: String, key: String, count: Int, integer: Bool)] = [
        ("--file_text", "file_text", 1, false), ("--view_range", "view_range", 2, true),
        ("--old_str", "old_str", 1, false), ("--new_str", "new_str", 1, false),
        ("--insert_line", "insert_line", 1, true),
    ]

    static func looksLikeOption(_ s: String) -> Bool {
        guard s.hasPrefix("-"), s.count > 1 else { return false }
        if isNegativeNumber(s) || s.contains(" ") { return false }
        return true
    }

    static func isNegativeNumber(_ s: String) -> Bool {
        let body = s.dropFirst()
        if !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts[0].allSatisfy({ $0.isASCII && $0.isNumber }) && !parts[1].isEmpty
            && parts[1].allSatisfy({ $0.isASCII && $0.isNumber })
    }

    /// Python's `int(text)` for plain decimal text: surrounding white space, a sign, digits
    /// with single underscores between them.
    static func pythonInt(_ text: String) -> Int64? {
        let space: Set<Character> = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}"]
        var s = Substring(text)
        while let c = s.first, space.contains(c) { s = s.dropFirst() }
        while let c = s.last, space.contains(c) { s = s.dropLast() }
        var negative = false
        if s.first == "+" || s.first == "-" { negative = s.first == "-"; s = s.dropFirst() }
        guard let first = s.first, first.isASCII, first.isNumber, let last = s.last, last.isASCII, last.isNumber,
            !s.contains("__"), s.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "_" }),
            let value = Int64(s.filter { $0 != "_" })
        else { return nil }
        return negative ? -value : value
    }

    static func usage(_ message: String) -> SWEAgentAction {
        .editorUsageError("str_replace_editor: error: " + message)
    }

    static func parse(_ words: [String]) -> SWEAgentAction {
        var positionals: [String] = []
        var values: [String: JSON] = [:]
        var unrecognized: [String] = []
        var i = 0
        var onlyPositionals = false
        while i < words.count {
            let word = words[i]
            i += 1
            if onlyPositionals || !looksLikeOption(word) {
                positionals.append(word)
                continue
            }
            if word == "--" { onlyPositionals = true; continue }
            var name = word
            var inline: String?
            if word.hasPrefix("--"), let eq = word.firstIndex(of: "=") {
                name = String(word[..<eq])
                inline = String(word[word.index(after: eq)...])
            }
            let matches =
                options.filter { $0.name == name }
                + (options.contains { $0.name == name } ? [] : options.filter { name.hasPrefix("--") && $0.name.hasPrefix(name) })
            if name == "-h" || (name.hasPrefix("--") && "--help".hasPrefix(name) && name.count > 2 && matches.isEmpty) {
                return usage("help requested")
            }
            guard let option = matches.first else { unrecognized.append(word); continue }
            if matches.count > 1 {
                return usage("ambiguous option: \(name) could match \(matches.map(\.name).joined(separator: ", "))")
            }
            var given: [String] = []
            if let inline {
                given = [inline]
            } else {
                while given.count < option.count, i < words.count, !looksLikeOption(words[i]) {
                    given.append(words[i])
                    i += 1
                }
            }
            guard given.count == option.count else {
                return usage("argument \(option.name): expected \(option.count == 1 ? "one argument" : "\(option.count) arguments")")
            }
            if option.integer {
                var numbers: [JSON] = []
                for text in given {
                    guard let n = pythonInt(text) else { return usage("argument \(option.name): invalid int value: '\(text)'") }
                    numbers.append(.number(n))
                }
                values[option.key] = option.count == 1 ? numbers[0] : .array(numbers)
            } else {
                values[option.key] = .string(given[0])
            }
        }
        if positionals.count < 2 {
            let missing = ["command", "path"].dropFirst(positionals.count)
            return usage("the following arguments are required: \(missing.joined(separator: ", "))")
        }
        unrecognized += positionals.dropFirst(2)
        if !unrecognized.isEmpty { return usage("unrecognized arguments: \(unrecognized.joined(separator: " "))") }
        var arguments: [(String, JSON)] = [("command", .string(positionals[0])), ("path", .string(positionals[1]))]
        for option in options { if let v = values[option.key] { arguments.append((option.key, v)) } }
        return .editor(arguments)
    }
}
