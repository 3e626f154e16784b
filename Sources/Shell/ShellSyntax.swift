import Synchronization

/// A shell command line, read the way a POSIX shell (bash, zsh) reads it, for the subset replay
/// follows: words with quotes and escapes, `&&`, `||`, `;`, newlines, `&`, pipelines,
/// redirections and here-documents. Everything else — subshells, compound commands, command
/// substitution — makes `ShellScript.parse` throw `ShellScript.Unsupported`, so nothing it
/// cannot read is ever taken as read.
struct ShellScript: Equatable {
    /// How an item joins the one before it.
    enum Connector: Equatable, Sendable {
        case first
        /// `&&`: runs when the one before succeeded.
        case and
        /// `||`: runs when the one before failed.
        case or
        /// `;`, a newline or `&` before it: runs regardless.
        case then
    }

    struct Item: Equatable {
        var connector: Connector
        /// The commands of one pipeline (`a | b`), left to right.
        var pipeline: [ShellCommand]
        /// Ended by `&`: started in the background.
        var background = false
    }

    var items: [Item]

    /// Why a script is not one replay can read.
    struct Unsupported: Error, Equatable, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }
}

/// One simple command: `NAME=value… word… redirection…`.
struct ShellCommand: Equatable {
    var assignments: [ShellWord] = []
    var words: [ShellWord] = []
    var redirections: [ShellRedirection] = []
}

/// One word after quote removal.
struct ShellWord: Equatable {
    /// The word's text, quotes and escapes removed.
    var text: String
    /// For each Unicode scalar of `text`: whether it stood unquoted (only then are `*`, `?`
    /// and `[` glob syntax).
    var unquoted: [Bool]
    /// The first expansion whose value replay does not know (`$HOME`, `${x}`, `~`, `$'…'`).
    var expansion: String?

    init(_ text: String, unquoted: [Bool]? = nil, expansion: String? = nil) {
        self.text = text
        self.unquoted = unquoted ?? Array(repeating: false, count: text.unicodeScalars.count)
        self.expansion = expansion
    }

    /// Whether the word has glob syntax the shell would expand against the file system.
    var isPattern: Bool {
        zip(text.unicodeScalars, unquoted).contains { $1 && ($0 == "*" || $0 == "?" || $0 == "[") }
    }

    /// Whether the word has an unquoted `{…,…}` or `{a..b}` the shell would brace-expand.
    var hasBraces: Bool {
        let s = Array(text.unicodeScalars)
        guard let open = s.indices.first(where: { s[$0] == "{" && unquoted[$0] }) else { return false }
        guard let close = s.indices.last(where: { s[$0] == "}" && unquoted[$0] }), close > open else { return false }
        let inside = s[(open + 1)..<close].indices
        return inside.contains { (s[$0] == "," && unquoted[$0]) || (s[$0] == "." && $0 + 1 < close && s[$0 + 1] == ".") }
    }
}

/// A redirection: `[n]>word`, `[n]>>word`, `[n]<word`, `[n]>&m`, `&>word`, a here-document.
struct ShellRedirection: Equatable {
    enum Operator: String, Equatable {
        case input = "<"
        case output = ">"
        case clobber = ">|"
        case append = ">>"
        case readWrite = "<>"
        case duplicateOutput = ">&"
        case duplicateInput = "<&"
        /// `&>word` and `>&word` with a file: standard output and error.
        case both = "&>"
        case bothAppend = "&>>"
        case hereDocument = "<<"
        case hereString = "<<<"

        /// The operators a redirection starting at `<` or `>` may be (but `>`, the rest), each
        /// before any that is a prefix of it (`<<<` before `<<` before `<`).
        static let startingRedirection: [Operator] = [
            .hereString, .hereDocument, .readWrite, .duplicateInput, .input, .append, .clobber, .duplicateOutput,
        ]
    }

    var fd: Int?
    var op: Operator
    /// The file, the descriptor (`>&2`), or a here-document's delimiter.
    var target: ShellWord
    /// A here-document's text (a here-string's word followed by a newline).
    var body: String?
}

extension ShellScript {
    static let reservedWords: Set<String> = [
        "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do", "done",
        "function", "{", "}", "!", "[[", "]]", "coproc",
    ]

    /// Commands read before, by their bytes (at most 4,096 of at most 4 KiB each, forgotten
    /// all at once when full): an agent runs the same few commands again and again. Not by
    /// their text: Swift's `String` equality is Unicode canonical equivalence, so `echo é`
    /// written precomposed was answered with the words of `echo e` and a combining accent read
    /// before it, and wrote the other bytes.
    private static let remembered = Mutex<[[UInt8]: Result<ShellScript, Unsupported>]>([:])

    /// `parse`, answered from the commands read before when `script` is one of them.
    static func parseRemembered(_ script: String) throws(Unsupported) -> ShellScript {
        let key = Array(script.utf8)
        guard key.count <= 4096 else { return try parse(script) }
        if let known = remembered.withLock({ $0[key] }) { return try known.get() }
        let result = Result<ShellScript, Unsupported>(catching: { () throws(Unsupported) in try parse(script) })
        remembered.withLock { cache in
            if cache.count >= 4096 { cache.removeAll() }
            cache[key] = result
        }
        return try result.get()
    }

    /// Reads `script`; throws `Unsupported` for anything outside the subset.
    static func parse(_ script: String) throws(Unsupported) -> ShellScript {
        var lexer = ShellLexer(Array(script.unicodeScalars))
        let tokens = try lexer.tokens()
        var items: [Item] = []
        var connector = Connector.first
        var pipeline: [ShellCommand] = []
        var command = ShellCommand()
        var started = false  // the current command has a word or a redirection

        func endCommand() throws(Unsupported) {
            guard started else { throw Unsupported(reason: "an empty command") }
            if let first = command.words.first, first.expansion == nil, first.unquoted.allSatisfy({ $0 }),
                reservedWords.contains(first.text)
            {
                throw Unsupported(reason: "`\(first.text)`: compound commands are not followed")
            }
            pipeline.append(command)
            command = ShellCommand()
            started = false
        }
        func endItem(background: Bool) throws(Unsupported) {
            try endCommand()
            items.append(Item(connector: connector, pipeline: pipeline, background: background))
            pipeline = []
        }

        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            switch token {
            case .word(let w):
                if command.words.isEmpty, Self.isAssignment(w) {
                    command.assignments.append(w)
                } else {
                    command.words.append(w)
                }
                started = true
            case .redirection(let r):
                command.redirections.append(r)
                started = true
            case .operator(let op):
                switch op {
                case "&&", "||":
                    try endItem(background: false)
                    connector = op == "&&" ? .and : .or
                    while index < tokens.count, tokens[index] == .newline { index += 1 }
                case "|", "|&":
                    if op == "|&" {
                        command.redirections.append(ShellRedirection(fd: 2, op: .duplicateOutput, target: ShellWord("1")))
                    }
                    try endCommand()
                    while index < tokens.count, tokens[index] == .newline { index += 1 }
                case ";", "&":
                    try endItem(background: op == "&")
                    connector = .then
                default:
                    throw Unsupported(reason: "`\(op)` is not followed")
                }
            case .newline:
                if started {
                    try endItem(background: false)
                    connector = .then
                } else if !pipeline.isEmpty {
                    throw Unsupported(reason: "a pipeline that ends in a newline")
                }
            }
        }
        if started {
            try endItem(background: false)
        } else if !pipeline.isEmpty || connector == .and || connector == .or {
            throw Unsupported(reason: "the command line ends after an operator")
        }
        return ShellScript(items: items)
    }

    /// `NAME=…` with an unquoted name.
    static func isAssignment(_ w: ShellWord) -> Bool {
        let s = Array(w.text.unicodeScalars)
        guard let eq = s.firstIndex(of: "="), eq > 0, w.unquoted[..<eq].allSatisfy({ $0 }) else { return false }
        let name = s[..<eq]
        guard let first = name.first, !("0"..."9").contains(first) else { return false }
        return name.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }
}

/// The tokens of a script: words, operators, newlines and redirections (here-document bodies
/// attached).
enum ShellToken: Equatable {
    case word(ShellWord)
    case `operator`(String)
    case redirection(ShellRedirection)
    case newline
}

struct ShellLexer {
    typealias Unsupported = ShellScript.Unsupported
    let s: [Unicode.Scalar]
    var i = 0
    var out: [ShellToken] = []
    /// Here-documents waiting for the next newline: token index, strip tabs (`<<-`), delimiter, quoted.
    var pending: [(token: Int, strip: Bool, delimiter: String, quoted: Bool)] = []

    init(_ s: [Unicode.Scalar]) { self.s = s }

    static func isBlank(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" }
    /// One of ` \t\n;&|<>()` (compared as scalars, not by walking a string's scalars for each).
    static func isMeta(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case " ", "\t", "\n", ";", "&", "|", "<", ">", "(", ")": true
        default: false
        }
    }

    mutating func tokens() throws(Unsupported) -> [ShellToken] {
        while i < s.count {
            let c = s[i]
            if Self.isBlank(c) { i += 1; continue }
            if c == "\\", i + 1 < s.count, s[i + 1] == "\n" { i += 2; continue }
            if c == "#" {
                while i < s.count, s[i] != "\n" { i += 1 }
                continue
            }
            if c == "\n" {
                i += 1
                out.append(.newline)
                try readHereDocuments()
                continue
            }
            if c == "(" || c == ")" { throw Unsupported(reason: "subshells and groups `( … )` are not followed") }
            if let op = matchOperator() {
                out.append(.operator(op))
                continue
            }
            // A redirection, perhaps after a descriptor number.
            var j = i
            while j < s.count, ("0"..."9").contains(s[j]) { j += 1 }
            // Bash takes the digits for a descriptor only up to INT_MAX: past it they are a word
            // (`echo a 99999999999999999999>f` writes `a 99999999999999999999`).
            let fd = j > i ? Int(String(String.UnicodeScalarView(s[i..<j]))).flatMap { $0 <= Int(Int32.max) ? $0 : nil } : nil
            if j < s.count, s[j] == "<" || s[j] == ">", j == i || fd != nil {
                i = j
                try readRedirection(fd: fd)
                continue
            }
            if c == "&", i + 1 < s.count, s[i + 1] == ">" {
                i += 2
                let append = i < s.count && s[i] == ">"
                if append { i += 1 }
                let target = try readTarget()
                out.append(.redirection(ShellRedirection(fd: nil, op: append ? .bothAppend : .both, target: target)))
                continue
            }
            out.append(.word(try readWord()))
        }
        if !pending.isEmpty { throw Unsupported(reason: "a here-document without its end (\(pending[0].delimiter))") }
        return out
    }

    /// The control operators, two-character ones first, with their scalars (made once, not per token).
    static let operators: [(String, [Unicode.Scalar])] = ["&&", "||", "|&", ";;", "|", ";", "&"].map { ($0, Array($0.unicodeScalars)) }

    mutating func matchOperator() -> String? {
        // Every operator starts with `&`, `|` or `;`: any other token is told at once.
        guard i < s.count, s[i] == "&" || s[i] == "|" || s[i] == ";" else { return nil }
        for (op, o) in Self.operators {
            if i + o.count <= s.count, s[i..<(i + o.count)].elementsEqual(o) {
                if op == "&", i + 1 < s.count, s[i + 1] == ">" { return nil }
                i += o.count
                return op
            }
        }
        return nil
    }

    mutating func readRedirection(fd: Int?) throws(Unsupported) {
        let rest = String(String.UnicodeScalarView(s[i..<min(s.count, i + 3)]))
        let op: ShellRedirection.Operator
        var strip = false
        if rest.hasPrefix("<<-") {
            op = .hereDocument; strip = true; i += 3
        } else if rest.hasPrefix("<(") || rest.hasPrefix(">(") {
            throw Unsupported(reason: "process substitution is not followed")
        } else if let found = ShellRedirection.Operator.startingRedirection.first(where: { rest.hasPrefix($0.rawValue) }) {
            op = found; i += found.rawValue.count
        } else {
            op = .output; i += 1
        }
        let target = try readTarget()
        switch op {
        case .hereDocument:
            if let e = target.expansion, e != "~" { throw Unsupported(reason: "`\(e)` in a here-document's delimiter") }
            // A delimiter with any quote or escape in it reads the body literally.
            pending.append((out.count, strip, target.text, hadQuote))
            out.append(.redirection(ShellRedirection(fd: fd, op: op, target: ShellWord(target.text))))
        case .hereString:
            if let e = target.expansion { throw Unsupported(reason: "`\(e)` in a here-string is not expanded") }
            out.append(.redirection(ShellRedirection(fd: fd, op: op, target: target, body: target.text + "\n")))
        case .duplicateOutput where fd == nil && !target.text.allSatisfy({ $0.isNumber }) && target.text != "-":
            // `>&file`: bash reads it as `&>file`.
            out.append(.redirection(ShellRedirection(fd: nil, op: .both, target: target)))
        default:
            out.append(.redirection(ShellRedirection(fd: fd, op: op, target: target)))
        }
    }

    /// Whether the last word read had a quote or an escape in it.
    var hadQuote = false

    mutating func readTarget() throws(Unsupported) -> ShellWord {
        while i < s.count, Self.isBlank(s[i]) { i += 1 }
        guard i < s.count, !Self.isMeta(s[i]) else { throw Unsupported(reason: "a redirection without a target") }
        return try readWord()
    }

    /// Reads the bodies of the pending here-documents, starting at `i` (just after a newline).
    mutating func readHereDocuments() throws(Unsupported) {
        for doc in pending {
            var body: [Unicode.Scalar] = []
            var found = false
            while i < s.count {
                var end = i
                while end < s.count, s[end] != "\n" { end += 1 }
                var line = Array(s[i..<end])
                i = min(s.count, end + 1)
                if doc.strip { while line.first == "\t" { line.removeFirst() } }
                if String(String.UnicodeScalarView(line)) == doc.delimiter { found = true; break }
                body += line
                body.append("\n")
            }
            guard found else { throw Unsupported(reason: "a here-document without its end (\(doc.delimiter))") }
            let text = doc.quoted ? String(String.UnicodeScalarView(body)) : try Self.expandHereDocument(body)
            guard case .redirection(var r) = out[doc.token] else { continue }
            r.body = text
            out[doc.token] = .redirection(r)
        }
        pending.removeAll()
    }

    /// An unquoted here-document's text: `\$`, `` \` ``, `\\` and `\<newline>` are escapes;
    /// any expansion makes it unsupported.
    static func expandHereDocument(_ body: [Unicode.Scalar]) throws(Unsupported) -> String {
        var out = String.UnicodeScalarView()
        var k = 0
        while k < body.count {
            let c = body[k]
            if c == "\\", k + 1 < body.count {
                let n = body[k + 1]
                if n == "$" || n == "`" || n == "\\" { out.append(n); k += 2; continue }
                if n == "\n" { k += 2; continue }
            }
            if c == "`" { throw Unsupported(reason: "command substitution in a here-document is not followed") }
            if c == "$", k + 1 < body.count, Self.startsExpansion(body[k + 1]) {
                throw Unsupported(reason: "`$` expansion in a here-document is not expanded (quote the delimiter: <<'EOF')")
            }
            out.append(c)
            k += 1
        }
        return String(out)
    }

    static func startsExpansion(_ c: Unicode.Scalar) -> Bool {
        c == "{" || c == "(" || c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
            || "@*#?$!-".unicodeScalars.contains(c)
    }

    /// One word: up to an unquoted blank or metacharacter.
    mutating func readWord() throws(Unsupported) -> ShellWord {
        var text = String.UnicodeScalarView()
        var unquoted: [Bool] = []
        var expansion: String?
        hadQuote = false
        let start = i
        func add(_ c: Unicode.Scalar, _ bare: Bool) { text.append(c); unquoted.append(bare) }
        while i < s.count {
            let c = s[i]
            if Self.isMeta(c) { break }
            switch c {
            case "\\":
                hadQuote = true
                if i + 1 < s.count {
                    if s[i + 1] != "\n" { add(s[i + 1], false) }
                    i += 2
                } else {
                    i += 1
                }
            case "'":
                hadQuote = true
                i += 1
                guard let close = s[i...].firstIndex(of: "'") else { throw Unsupported(reason: "an unterminated quote") }
                for q in s[i..<close] { add(q, false) }
                i = close + 1
            case "\"":
                hadQuote = true
                i += 1
                var closed = false
                while i < s.count {
                    let d = s[i]
                    if d == "\"" { closed = true; i += 1; break }
                    if d == "\\", i + 1 < s.count {
                        let n = s[i + 1]
                        if n == "$" || n == "`" || n == "\"" || n == "\\" { add(n, false); i += 2; continue }
                        if n == "\n" { i += 2; continue }
                        add(d, false); i += 1; continue
                    }
                    if d == "`" { throw Unsupported(reason: "command substitution (`…`) is not followed") }
                    if d == "$", i + 1 < s.count, Self.startsExpansion(s[i + 1]) {
                        let e = try readExpansion()
                        expansion = expansion ?? e
                        continue
                    }
                    add(d, false)
                    i += 1
                }
                guard closed else { throw Unsupported(reason: "an unterminated quote") }
            case "`":
                throw Unsupported(reason: "command substitution (`…`) is not followed")
            case "$":
                if i + 1 < s.count, s[i + 1] == "'" || s[i + 1] == "\"" {
                    if s[i + 1] == "\"" { i += 1; continue }  // $"…" reads as "…"
                    // $'…': C-style escapes replay does not interpret.
                    i += 2
                    var k = i
                    while k < s.count, s[k] != "'" { k += s[k] == "\\" ? 2 : 1 }
                    guard k < s.count else { throw Unsupported(reason: "an unterminated quote") }
                    for q in s[i..<k] { add(q, false) }
                    expansion = expansion ?? "$'…'"
                    i = k + 1
                } else if i + 1 < s.count, Self.startsExpansion(s[i + 1]) {
                    let e = try readExpansion()
                    expansion = expansion ?? e
                } else {
                    add(c, true)
                    i += 1
                }
            case "~" where i == start:
                expansion = expansion ?? "~"
                add(c, true)
                i += 1
            default:
                add(c, true)
                i += 1
            }
        }
        return ShellWord(String(text), unquoted: unquoted, expansion: expansion)
    }

    /// Skips one `$…` expansion at `i`; returns its text. Command substitution throws.
    mutating func readExpansion() throws(Unsupported) -> String {
        let start = i
        i += 1  // `$`
        let c = s[i]
        if c == "(" {
            guard i + 1 < s.count, s[i + 1] == "(" else { throw Unsupported(reason: "command substitution $(…) is not followed") }
            try skipBalanced(open: "(", close: ")")
        } else if c == "{" {
            try skipBalanced(open: "{", close: "}")
        } else if ("0"..."9").contains(c) || "@*#?$!-".unicodeScalars.contains(c) {
            i += 1
        } else {
            while i < s.count, s[i] == "_" || ("a"..."z").contains(s[i]) || ("A"..."Z").contains(s[i]) || ("0"..."9").contains(s[i]) { i += 1 }
        }
        return String(String.UnicodeScalarView(s[start..<i]))
    }

    mutating func skipBalanced(open: Unicode.Scalar, close: Unicode.Scalar) throws(Unsupported) {
        var depth = 0
        while i < s.count {
            let c = s[i]
            if c == "`" || (c == "$" && i + 1 < s.count && s[i + 1] == "(" && !(i + 2 < s.count && s[i + 2] == "(") && open == "{") {
                throw Unsupported(reason: "command substitution is not followed")
            }
            if c == open { depth += 1 }
            if c == close {
                depth -= 1
                if depth == 0 { i += 1; return }
            }
            i += 1
        }
        throw Unsupported(reason: "an unterminated expansion")
    }
}
