import Trace

extension CodexScript {
    /// Walks a script's tokens once: binds string constants (`const patch = "…"`), checks every
    /// use of `tools`, and reads the argument of each file-changing call.
    struct Reader {
        let tokens: [Token]
        /// For each bracket, the index of the bracket that matches it.
        var partner: [Int: Int] = [:]
        /// For each token, how many brackets enclose it.
        var depth: [Int] = []
        /// String constants declared at the top level before the current token.
        var constants: [String: String] = [:]
        /// Constant arrays of strings declared at the top level before the current token.
        var lists: [String: [String]] = [:]
        /// The number of groups of calls started together so far.
        var groups = 0
        /// Names declared more than once or assigned to: never read as constants.
        var unstable: Set<String> = []
        var calls: [Call] = []

        init(tokens: [Token]) { self.tokens = tokens }

        static let declarations: Set<String> = ["const", "let", "var"]
        static let assignments: Set<String> = [
            "=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=", "&&=", "||=", "??=", "++", "--",
        ]
        /// Words that continue an expression across a line break, so no statement starts there.
        static let infixWords: Set<String> = ["in", "instanceof", "of"]
        /// Words after which an expression is not complete.
        static let prefixWords: Set<String> = [
            "await", "return", "typeof", "void", "delete", "new", "in", "instanceof", "of", "case", "throw", "yield",
            "const", "let", "var", "else", "do",
        ]

        mutating func read() throws(Unreadable) -> [Call] {
            try pair()
            findUnstable(tokens)
            var n = 0
            while n < tokens.count {
                let token = tokens[n]
                if let w = token.word, Self.declarations.contains(w), depth[n] == 0, startsStatement(n) { bind(at: n) }
                if case .template(_, let substitutions) = token.kind {
                    for inner in substitutions { try nested(inner) }
                }
                if token.isWord("tools"), !afterDot(n, in: tokens), !isKey(n, in: tokens) {
                    if let after = try group(at: n) { n = after; continue }
                    try call(at: n)
                }
                n += 1
            }
            return calls
        }

        /// Matches brackets; unbalanced ones make the script unreadable.
        mutating func pair() throws(Unreadable) {
            var stack: [Int] = []
            let closers: [String: String] = [")": "(", "]": "[", "}": "{"]
            for (n, token) in tokens.enumerated() {
                depth.append(stack.count)
                guard case .punct(let p) = token.kind else { continue }
                if p == "(" || p == "[" || p == "{" {
                    stack.append(n)
                } else if let opener = closers[p] {
                    guard let top = stack.popLast(), tokens[top].isPunct(opener) else {
                        throw Unreadable(reason: "unbalanced brackets")
                    }
                    partner[top] = n
                    partner[n] = top
                }
            }
            guard stack.isEmpty else { throw Unreadable(reason: "unbalanced brackets") }
        }

        /// Names assigned to anywhere, or declared more than once, in `list` and its templates.
        mutating func findUnstable(_ list: [Token]) {
            var declared: Set<String> = []
            for (n, token) in list.enumerated() {
                if case .template(_, let substitutions) = token.kind { substitutions.forEach { findUnstable($0) } }
                guard let w = token.word else { continue }
                if n > 0, let d = list[n - 1].word, Self.declarations.contains(d) {
                    if !declared.insert(w).inserted { unstable.insert(w) }
                }
                if n + 1 < list.count, case .punct(let p) = list[n + 1].kind, Self.assignments.contains(p), !afterDot(n, in: list),
                    !(n > 0 && list[n - 1].word.map(Self.declarations.contains) == true)
                {
                    unstable.insert(w)
                }
                if n > 0, case .punct(let p) = list[n - 1].kind, p == "++" || p == "--" { unstable.insert(w) }
            }
        }

        /// Whether the word at `n` is an object's key (`{tools: …}`), not a name.
        func isKey(_ n: Int, in list: [Token]) -> Bool {
            n > 0 && n + 1 < list.count && (list[n - 1].isPunct("{") || list[n - 1].isPunct(",")) && list[n + 1].isPunct(":")
        }

        func afterDot(_ n: Int, in list: [Token]) -> Bool {
            n > 0 && (list[n - 1].isPunct(".") || list[n - 1].isPunct("?."))
        }

        /// Whether a statement starts at `n`: the script's start, after `;` or `}`, or where a
        /// line break ends the statement before (automatic semicolon insertion).
        func startsStatement(_ n: Int) -> Bool {
            n == 0 || tokens[n - 1].isPunct(";") || tokens[n - 1].isPunct("}") || lineBreakEnds(before: n)
        }

        /// Whether the line break before token `n` ends the statement before it.
        func lineBreakEnds(before n: Int) -> Bool {
            guard n > 0, tokens[n].newlineBefore else { return false }
            switch tokens[n].kind {
            case .word(let w) where Self.infixWords.contains(w): return false
            case .word, .number, .string, .template, .regex: break
            case .punct(let p) where p == "++" || p == "--" || p == "{": break
            case .punct: return false
            }
            switch tokens[n - 1].kind {
            case .word(let w): return !Self.prefixWords.contains(w)
            case .number, .string, .template, .regex: return true
            case .punct(let p): return p == ")" || p == "]" || p == "}" || p == "++" || p == "--"
            }
        }

        /// `const NAME = literal` with a string value, ending its statement: a constant.
        mutating func bind(at n: Int) {
            guard n + 3 < tokens.count, let name = tokens[n + 1].word, tokens[n + 2].isPunct("="), !unstable.contains(name),
                let (value, end) = literal(at: n + 3)
            else { return }
            guard end == tokens.count || tokens[end].isPunct(";") || lineBreakEnds(before: end) else { return }
            switch value {
            case .string(let s):
                constants[name] = s
            case .array(let items) where onlyRead(name):
                let strings = items.compactMap(\.stringValue)
                if strings.count == items.count { lists[name] = strings }
            default:
                break
            }
        }

        /// `tools` inside a template's `${…}`: only read-only tools may be used there.
        func nested(_ list: [Token]) throws(Unreadable) {
            for (n, token) in list.enumerated() {
                if case .template(_, let substitutions) = token.kind {
                    for inner in substitutions { try nested(inner) }
                }
                guard token.isWord("tools"), !afterDot(n, in: list), !isKey(n, in: list) else { continue }
                let name = try toolName(after: n, in: list)
                guard CodexScript.isReadOnly(name) else {
                    throw Unreadable(reason: "tools.\(name) is called inside a template string")
                }
            }
        }

        func toolName(after n: Int, in list: [Token]) throws(Unreadable) -> String {
            guard n + 2 < list.count, list[n + 1].isPunct("."), let name = list[n + 2].word else {
                throw Unreadable(reason: "the script uses `tools` other than as tools.NAME(…)")
            }
            return name
        }

        /// Checks the use of `tools` at `n`, and reads the call when the tool changes files.
        mutating func call(at n: Int) throws(Unreadable) {
            let name = try toolName(after: n, in: tokens)
            if CodexScript.isReadOnly(name) { return }
            guard CodexScript.replayable.contains(name) else {
                throw Unreadable(reason: "tools.\(name): a tool replay does not know, which may change files")
            }
            guard n + 3 < tokens.count, tokens[n + 3].isPunct("("), let close = partner[n + 3] else {
                throw Unreadable(reason: "tools.\(name) is used other than by calling it")
            }
            if let why = whyNotPlain(n) {
                throw Unreadable(reason: "tools.\(name) is called \(why)")
            }
            guard let (argument, end) = literal(at: n + 4),
                end == close || (tokens[end].isPunct(",") && end + 1 == close)
            else {
                throw Unreadable(reason: "the argument of tools.\(name) is not a literal")
            }
            calls.append(Call(tool: name, argument: argument))
        }

        /// The tokens of the statement before token `n`, a bracketed group before it standing
        /// for its content (`()`, `[]`, `{}` for a destructuring pattern), the brackets around
        /// it included.
        func statementPrefix(_ n: Int) -> [Token] {
            var prefix: [Token] = []
            var j = n - 1
            while j >= 0 {
                let token = tokens[j]
                if lineBreakEnds(before: j + 1) { break }
                if token.isPunct(";") { break }
                if token.isPunct("}") {
                    // A destructuring pattern (`const {output} = …`) is part of the statement;
                    // any other `}` ends the statement before.
                    guard let open = partner[j], open > 0, let d = tokens[open - 1].word, Self.declarations.contains(d) else { break }
                    prefix.insert(Token(kind: .punct("{}")), at: 0)
                    j = open - 1
                    continue
                }
                if token.isPunct(")") || token.isPunct("]"), let open = partner[j] {
                    prefix.insert(Token(kind: .punct(token.isPunct(")") ? "()" : "[]")), at: 0)
                    j = open - 1
                    continue
                }
                prefix.insert(token, at: 0)
                j -= 1
            }
            return prefix
        }

        /// Why the call whose `tools` is at `n` might not run exactly once, in order; nil when
        /// it is a plain awaited top-level statement.
        func whyNotPlain(_ n: Int) -> String? {
            if tokens[..<n].contains(where: { $0.isWord("return") }) { return "after a `return`" }
            let prefix = statementPrefix(n)
            // Every bracket around the call must be one of its statement's own `(`.
            guard !prefix.contains(where: { $0.isPunct("[") || $0.isPunct("{") }), prefix.filter({ $0.isPunct("(") }).count == depth[n] else {
                return "inside a block, a function, a loop or an array"
            }
            var k = 0
            if let d = prefix.first?.word, Self.declarations.contains(d) {
                guard prefix.count > 2, prefix[1].word != nil || prefix[1].isPunct("{}") || prefix[1].isPunct("[]"), prefix[2].isPunct("=") else {
                    return "in a statement replay cannot follow"
                }
                k = 3
            }
            while k < prefix.count {
                if prefix[k].isPunct("(") { k += 1; continue }
                if let helper = Self.helper(prefix, at: k) { k += helper; continue }
                break
            }
            guard k < prefix.count, prefix[k].isWord("await") else {
                return k < prefix.count
                    ? "in a statement replay cannot follow (a condition, a loop, a function, an expression)"
                    : "without `await`: it may run alongside what follows"
            }
            return k + 1 == prefix.count ? nil : "in a statement replay cannot follow (a condition, a loop, a function, an expression)"
        }

        /// The number of tokens of an output helper and its `(` at `k` (`text(`, `console.log(`).
        static func helper(_ prefix: [Token], at k: Int) -> Int? {
            var name = ""
            var m = k
            while m < prefix.count, let w = prefix[m].word {
                name += w
                m += 1
                if m < prefix.count, prefix[m].isPunct(".") { name += "."; m += 1 } else { break }
            }
            guard m < prefix.count, prefix[m].isPunct("("), CodexScript.outputHelpers.contains(name) else { return nil }
            return m + 1 - k
        }

        /// The literal value at `n` and the index after it; nil when it is not a literal.
        func literal(at n: Int) -> (JSON, Int)? {
            guard var (value, end) = term(at: n) else { return nil }
            // String concatenation: "a" + "b".
            while case .string(let s) = value, end + 1 < tokens.count, tokens[end].isPunct("+"),
                let (next, after) = term(at: end + 1), case .string(let t) = next
            {
                value = .string(s + t)
                end = after
            }
            return (value, end)
        }

        func term(at n: Int) -> (JSON, Int)? {
            guard n < tokens.count else { return nil }
            switch tokens[n].kind {
            case .string(let s):
                return (.string(s), n + 1)
            case .template(let parts, let substitutions):
                var s = parts[0]
                for (inner, part) in zip(substitutions, parts.dropFirst()) {
                    guard inner.count == 1, let w = inner[0].word, let value = constants[w] else { return nil }
                    s += value + part
                }
                return (.string(s), n + 1)
            case .number(let text):
                return (.number(text), n + 1)
            case .punct("-"):
                guard n + 1 < tokens.count, case .number(let text) = tokens[n + 1].kind else { return nil }
                return (.number("-" + text), n + 2)
            case .word("true"): return (.bool(true), n + 1)
            case .word("false"): return (.bool(false), n + 1)
            case .word("null"): return (.null, n + 1)
            case .word(let w):
                guard let value = constants[w] else { return nil }
                return (.string(value), n + 1)
            case .punct("["):
                return array(at: n)
            case .punct("{"):
                return object(at: n)
            default:
                return nil
            }
        }

        func array(at n: Int) -> (JSON, Int)? {
            guard let close = partner[n] else { return nil }
            var elements: [JSON] = []
            var m = n + 1
            while m < close {
                guard let (value, end) = literal(at: m) else { return nil }
                elements.append(value)
                if end == close { m = end; break }
                guard tokens[end].isPunct(",") else { return nil }
                m = end + 1
            }
            return (.array(elements), close + 1)
        }

        func object(at n: Int) -> (JSON, Int)? {
            guard let close = partner[n] else { return nil }
            var members: [(String, JSON)] = []
            var m = n + 1
            while m < close {
                let key: String
                switch tokens[m].kind {
                case .word(let w): key = w
                case .string(let s): key = s
                case .number(let text): key = text
                default: return nil
                }
                let value: JSON
                let end: Int
                if tokens[m + 1].isPunct(":") {
                    guard let (v, e) = literal(at: m + 2) else { return nil }
                    (value, end) = (v, e)
                } else {
                    // Shorthand `{cmd}`: a constant of that name.
                    guard tokens[m].word != nil, let v = constants[key] else { return nil }
                    (value, end) = (.string(v), m + 1)
                }
                members.removeAll { $0.0 == key }
                members.append((key, value))
                if end == close { m = end; break }
                guard tokens[end].isPunct(",") else { return nil }
                m = end + 1
            }
            return (.object(members), close + 1)
        }
    }
}
