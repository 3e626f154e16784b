/// The simple commands of a shell command line and the files it redirects into, for readers
/// that ask what a command does without running it (`audit`): replay's own shell reader
/// (`ShellScript`), with a lenient word split for what it does not follow (subshells,
/// command substitution, compound commands), marked as not exact.
public struct ShellInspection: Sendable, Equatable {
    /// One simple command: its words after quote removal, assignments left out.
    public struct Command: Sendable, Equatable {
        public var words: [String]
        /// Files its output is redirected into (`>`, `>>`, `&>`, …), as written; targets
        /// holding an expansion whose value is unknown (`$out`) are left out.
        public var writes: [String]
        /// The positions in `words` of words holding an expansion whose value is unknown
        /// (`$HOME/x`, `${dir}`): their text lacks it, so they name no file for certain.
        public var unknown: Set<Int>
        public init(words: [String], writes: [String] = [], unknown: Set<Int> = []) {
            self.words = words
            self.writes = writes
            self.unknown = unknown
        }
    }

    public var commands: [Command]
    /// Whether replay's shell reader read the whole line; when false the words come from a
    /// lenient split (quotes removed, `$(…)`, backquotes and parentheses taken as breaks).
    public var exact: Bool

    public init(_ script: String) {
        if let parsed = try? ShellScript.parseRemembered(script) {
            commands = parsed.items.flatMap(\.pipeline).map { command in
                let writes = command.redirections.filter {
                    ([.output, .clobber, .append, .readWrite, .both, .bothAppend].contains($0.op)
                        || ($0.op == .duplicateOutput && Int($0.target.text) == nil))
                        && Self.known($0.target)
                }.map(\.target.text)
                let unknown = Set(command.words.indices.filter { !Self.known(command.words[$0]) })
                return Command(words: command.words.map(\.text), writes: writes, unknown: unknown)
            }
            exact = true
        } else {
            commands = Self.lenient(script)
            exact = false
        }
    }

    /// Whether a word's text is all of it: no expansion but `~` (kept in the text).
    static func known(_ word: ShellWord) -> Bool { word.expansion == nil || word.expansion == "~" }

    /// Splits on `;`, `&`, `|`, newlines, parentheses, backquotes and `$(`; words on blanks,
    /// with quotes removed (an unclosed quote runs to the end).
    static func lenient(_ script: String) -> [Command] {
        var commands: [Command] = []
        var words: [String] = []
        var writes: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var redirect = false
        func endWord() {
            guard inWord else { return }
            if redirect { writes.append(word); redirect = false } else { words.append(word) }
            word = ""
            inWord = false
        }
        func endCommand() {
            endWord()
            if !words.isEmpty || !writes.isEmpty { commands.append(Command(words: words, writes: writes)) }
            words = []
            writes = []
            redirect = false
        }
        var chars = Array(script)
        chars.append("\n")
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == q { quote = nil } else if c == "\\", q == "\"", i + 1 < chars.count { i += 1; word.append(chars[i]) } else { word.append(c) }
                i += 1
                continue
            }
            switch c {
            case "'", "\"":
                quote = c
                inWord = true
            case "\\":
                if i + 1 < chars.count { i += 1; if chars[i] != "\n" { word.append(chars[i]); inWord = true } }
            case " ", "\t":
                endWord()
            case ";", "&", "|", "\n", "(", ")", "`", "{", "}":
                if c == "&", i + 1 < chars.count, chars[i + 1] == ">" {
                    endWord()
                    redirect = true
                    i += chars.count > i + 2 && chars[i + 2] == ">" ? 3 : 2
                    continue
                }
                endCommand()
            case "$" where i + 1 < chars.count && chars[i + 1] == "(":
                endCommand()
                i += 1
            case ">":
                // `2>&1` and `>&2` duplicate descriptors: no file.
                if word.allSatisfy(\.isNumber) { word = ""; inWord = false } else { endWord() }
                var j = i + 1
                if j < chars.count, chars[j] == ">" || chars[j] == "|" { j += 1 }
                if j < chars.count, chars[j] == "&" {
                    j += 1
                    while j < chars.count, chars[j].isNumber || chars[j] == "-" { j += 1 }
                    i = j
                    continue
                }
                redirect = true
                i = j
                continue
            case "<":
                endWord()
                if i + 1 < chars.count, chars[i + 1] == "<", !(i + 2 < chars.count && chars[i + 2] == "<") {
                    Self.skipHereDocument(&chars, at: i)
                }
            default:
                word.append(c)
                inWord = true
            }
            i += 1
        }
        endCommand()
        return commands.map { command in
            // Assignments before the command name are not words of it.
            let words = Array(command.words.drop { Self.isAssignment($0) })
            let unknown = Set(words.indices.filter { words[$0].contains("$") })
            return Command(words: words, writes: command.writes.filter { !$0.contains("$") }, unknown: unknown)
        }.filter { !$0.words.isEmpty || !$0.writes.isEmpty }
    }

    /// Takes the body of the here-document whose `<<` is at `i` out of `chars` (from the
    /// line after it to its delimiter line), so its text is not read as commands.
    static func skipHereDocument(_ chars: inout [Character], at i: Int) {
        var j = i + 2
        let strip = j < chars.count && chars[j] == "-"
        if strip { j += 1 }
        while j < chars.count, chars[j] == " " || chars[j] == "\t" { j += 1 }
        var delimiter = ""
        while j < chars.count, !" \t\n;&|<>()".contains(chars[j]) {
            if chars[j] != "'" && chars[j] != "\"" && chars[j] != "\\" { delimiter.append(chars[j]) }
            j += 1
        }
        guard !delimiter.isEmpty, let lineEnd = chars[j...].firstIndex(of: "\n") else { return }
        var k = lineEnd + 1
        while k < chars.count {
            let end = chars[k...].firstIndex(of: "\n") ?? chars.count
            var line = String(chars[k..<end])
            if strip { line = String(line.drop { $0 == "\t" }) }
            if line == delimiter {
                chars.removeSubrange((lineEnd + 1)..<min(end + 1, chars.count))
                if chars.last != "\n" { chars.append("\n") }
                return
            }
            k = end + 1
        }
        chars.removeSubrange((lineEnd + 1)..<chars.count)
        chars.append("\n")
    }

    /// Whether `word` is `NAME=value`.
    public static func isAssignment(_ word: String) -> Bool {
        guard let eq = word.firstIndex(of: "="), eq != word.startIndex else { return false }
        return word[..<eq].allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }
}
