import ToolSemantics

/// `sed` as GNU sed runs it, for what replay follows: its command line (`-i`, `-e`, `-n`,
/// `-E`, backups), whether a script can write files (`w`, `W`, `e`, the `w`/`e` flags), and
/// scripts made only of `s/regex/replacement/flags` commands (flags `g` and a number), which
/// replay applies line by line with `ShellRegex`.
enum ShellSed {
    struct Substitution: Equatable {
        var regex: ShellRegex
        var replacement: [Piece]
        var global = false
        /// Replace from the n-th match (`s/a/b/2`).
        var occurrence = 1
    }

    enum Piece: Equatable {
        case text([Unicode.Scalar])
        /// `&`: the matched text.
        case match
    }

    /// What a script does, as far as files go.
    enum Script: Equatable {
        /// Only `s` commands without addresses: replay can compute the result.
        case substitutions([Substitution])
        /// Commands that write no file (`p`, `d`, `s` without `w`, addresses…).
        case noWrites(String)
        /// A command that writes a file or runs one (`w`, `e`, …).
        case writes(String)
        case unsupported(String)
    }

    struct Invocation: Equatable {
        var inPlace = false
        /// `-i.bak`: the backup's suffix.
        var suffix: String?
        var quiet = false
        var extended = false
        var scripts: [String] = []
        var files: [String] = []
    }

    /// Reads sed's arguments (GNU's getopt, and BSD's `-i ''`).
    static func invocation(_ args: [String]) -> Result<Invocation, ShellScript.Unsupported> {
        var inv = Invocation()
        var rest: [String] = []
        var k = 0
        var options = true
        while k < args.count {
            let a = args[k]
            k += 1
            guard options, a.hasPrefix("-"), a != "-" else { rest.append(a); continue }
            if a == "--" { options = false; continue }
            if a.hasPrefix("--") {
                let (name, value) = a.firstIndex(of: "=").map { (String(a[..<$0]), Optional(String(a[a.index(after: $0)...]))) } ?? (a, nil)
                switch name {
                case "--in-place": inv.inPlace = true; inv.suffix = value
                case "--expression":
                    if let value { inv.scripts.append(value) } else if k < args.count { inv.scripts.append(args[k]); k += 1 }
                case "--quiet", "--silent": inv.quiet = true
                case "--regexp-extended": inv.extended = true
                case "--separate", "--unbuffered", "--posix", "--sandbox", "--debug": break
                default: return .failure(.init(reason: "sed \(name) is not followed"))
                }
                continue
            }
            var flags = Array(a.dropFirst())
            while !flags.isEmpty {
                let f = flags.removeFirst()
                switch f {
                case "i":
                    inv.inPlace = true
                    if !flags.isEmpty {
                        inv.suffix = String(flags)
                        flags = []
                    } else if k < args.count, args[k].isEmpty {
                        k += 1  // BSD: `-i ''`, no backup
                    }
                case "e":
                    let script = flags.isEmpty ? (k < args.count ? args[k] : nil) : String(flags)
                    if flags.isEmpty { k += 1 }
                    flags = []
                    guard let script else { return .failure(.init(reason: "sed -e without a script")) }
                    inv.scripts.append(script)
                case "n": inv.quiet = true
                case "E", "r": inv.extended = true
                case "s", "u": break
                default: return .failure(.init(reason: "sed -\(f) is not followed"))
                }
            }
        }
        if inv.scripts.isEmpty {
            guard !rest.isEmpty else { return .failure(.init(reason: "sed without a script")) }
            inv.scripts.append(rest.removeFirst())
        }
        inv.files = rest
        if let s = inv.suffix, s.isEmpty { inv.suffix = nil }
        if let s = inv.suffix, s.contains("*") || s.contains("/") {
            return .failure(.init(reason: "sed -i with a backup name pattern (\(s))"))
        }
        return .success(inv)
    }

    /// Reads a script (the `-e` parts joined by newlines, as sed joins them).
    static func script(_ text: String, extended: Bool, quiet: Bool) -> Script {
        let s = Array(text.unicodeScalars)
        var i = 0
        var substitutions: [Substitution] = []
        // Why the script is more than plain substitutions (nil: it is not).
        var notSimple: String? = extended ? "sed -E (extended regexes)" : quiet ? "sed -n" : nil
        var writes: String?
        func skip(_ set: String) { while i < s.count, set.unicodeScalars.contains(s[i]) { i += 1 } }
        func toLineEnd() { while i < s.count, s[i] != "\n" { i += 1 } }
        func address() throws(ShellScript.Unsupported) -> Bool {
            guard i < s.count else { return false }
            if ("0"..."9").contains(s[i]) {
                while i < s.count, ("0"..."9").contains(s[i]) || s[i] == "~" { i += 1 }
                return true
            }
            if s[i] == "$" { i += 1; return true }
            if s[i] == "/" || s[i] == "\\" {
                if s[i] == "\\" { i += 1 }
                guard i < s.count else { throw .init(reason: "an unterminated address") }
                let d = s[i]
                i += 1
                _ = try delimited(s, &i, by: d)
                while i < s.count, s[i] == "I" || s[i] == "M" { i += 1 }
                return true
            }
            return false
        }
        do throws(ShellScript.Unsupported) {
            while true {
                skip(" \t\n;")
                guard i < s.count else { break }
                if s[i] == "#" { toLineEnd(); continue }
                var addressed = try address()
                skip(" \t")
                if i < s.count, s[i] == "," {
                    i += 1
                    skip(" \t")
                    if i < s.count, s[i] == "+" || s[i] == "~" { i += 1 }
                    guard try address() else { throw ShellScript.Unsupported(reason: "a sed address range without an end") }
                }
                skip(" \t")
                if i < s.count, s[i] == "!" { addressed = true; i += 1; skip(" \t") }
                if addressed { notSimple = notSimple ?? "a sed address" }
                guard i < s.count else { throw ShellScript.Unsupported(reason: "a sed address without a command") }
                let command = s[i]
                i += 1
                switch command {
                case "s":
                    guard i < s.count, s[i] != "\n", s[i] != "\\" else {
                        throw ShellScript.Unsupported(reason: "a sed s command without a delimiter")
                    }
                    let d = s[i]
                    i += 1
                    let pattern = try delimited(s, &i, by: d)
                    let replacement = try replacementPieces(s, &i, by: d)
                    var global = false
                    var flagsDone = false
                    var occurrence = ""
                    while i < s.count, !flagsDone {
                        let f = s[i]
                        switch f {
                        case "g": global = true; i += 1
                        case "0"..."9": occurrence.unicodeScalars.append(f); i += 1
                        case "w", "e":
                            writes = writes ?? "sed's `\(f)` flag"
                            toLineEnd()
                            flagsDone = true
                        case "p", "i", "I", "m", "M": notSimple = notSimple ?? "the sed flag `\(f)`"; i += 1
                        case " ", "\t": i += 1
                        case ";", "\n", "}": flagsDone = true
                        default: throw ShellScript.Unsupported(reason: "the sed flag `\(f)`")
                        }
                    }
                    // GNU sed counts in 64 bits, wrapping (`s/a/b/18446744073709551617` is
                    // `s/a/b/1`): a number past `Int` is not followed, never read as 1.
                    guard let n = occurrence.isEmpty ? 1 : Int(occurrence) else {
                        throw ShellScript.Unsupported(reason: "the sed flag \(occurrence.prefix(24)), past the numbers replay reads")
                    }
                    guard n > 0 else { throw ShellScript.Unsupported(reason: "the sed flag 0") }
                    if notSimple == nil {
                        if let pieces = replacement.pieces {
                            do {
                                let regex = try ShellRegex(basic: pattern)
                                substitutions.append(Substitution(regex: regex, replacement: pieces, global: global, occurrence: n))
                            } catch {
                                notSimple = error.reason
                            }
                        } else {
                            notSimple = replacement.unsupported
                        }
                    }
                case "y":
                    guard i < s.count else { throw ShellScript.Unsupported(reason: "an unterminated y command") }
                    let d = s[i]
                    i += 1
                    _ = try delimited(s, &i, by: d)
                    _ = try delimited(s, &i, by: d)
                    notSimple = notSimple ?? "the sed command `\(command)`"
                case "a", "i", "c":
                    // Text to the end of the line, continued while a line ends in a backslash.
                    while i < s.count {
                        if s[i] == "\\", i + 1 < s.count { i += 2; continue }
                        if s[i] == "\n" { break }
                        i += 1
                    }
                    notSimple = notSimple ?? "the sed command `\(command)`"
                case "r", "R":
                    toLineEnd()
                    notSimple = notSimple ?? "the sed command `\(command)`"
                case "w", "W":
                    writes = writes ?? "sed's `\(command)` command"
                    toLineEnd()
                case "e":
                    writes = writes ?? "sed's `e` command"
                    toLineEnd()
                case "b", "t", "T", ":":
                    while i < s.count, s[i] != "\n", s[i] != ";" { i += 1 }
                    notSimple = notSimple ?? "the sed command `\(command)`"
                case "q", "Q", "l", "L":
                    skip(" \t")
                    while i < s.count, ("0"..."9").contains(s[i]) { i += 1 }
                    notSimple = notSimple ?? "the sed command `\(command)`"
                case "{", "}", "=", "d", "D", "g", "G", "h", "H", "n", "N", "p", "P", "x", "z", "F":
                    notSimple = notSimple ?? "the sed command `\(command)`"
                default:
                    throw ShellScript.Unsupported(reason: "the sed command `\(command)`")
                }
            }
        } catch {
            return .unsupported(error.reason)
        }
        if let writes { return .writes(writes) }
        if let notSimple { return .noWrites(notSimple) }
        return .substitutions(substitutions)
    }

    /// The text up to the next unescaped `d`, `\d` read as `d` (keeping its meaning in a
    /// regex), other escapes kept.
    static func delimited(_ s: [Unicode.Scalar], _ i: inout Int, by d: Unicode.Scalar) throws(ShellScript.Unsupported) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        while i < s.count {
            let c = s[i]
            if c == "\\", i + 1 < s.count {
                if s[i + 1] == d {
                    if d == "n" || ("a"..."z").contains(d) || ("A"..."Z").contains(d) {
                        throw ShellScript.Unsupported(reason: "a letter as the sed delimiter")
                    }
                    out.append(d)
                } else {
                    out += [c, s[i + 1]]
                }
                i += 2
                continue
            }
            if c == "\n" { throw ShellScript.Unsupported(reason: "a newline inside a sed command") }
            i += 1
            if c == d { return out }
            out.append(c)
        }
        throw ShellScript.Unsupported(reason: "an unterminated sed command")
    }

    /// A replacement up to the next unescaped `d`: pieces, or why replay cannot use it.
    static func replacementPieces(_ s: [Unicode.Scalar], _ i: inout Int, by d: Unicode.Scalar) throws(ShellScript.Unsupported) -> (
        pieces: [Piece]?, unsupported: String?
    ) {
        var pieces: [Piece] = []
        var text: [Unicode.Scalar] = []
        var unsupported: String?
        func flush() { if !text.isEmpty { pieces.append(.text(text)); text = [] } }
        while i < s.count {
            let c = s[i]
            if c == "\\", i + 1 < s.count {
                let n = s[i + 1]
                i += 2
                switch n {
                case d, "&", "\\": text.append(n)
                case "n", "\n": text.append("\n")
                case "t": text.append("\t")
                case "r": text.append("\r")
                default:
                    if n.value < 0x80, n.properties.isPatternSyntax || n == " " {
                        text.append(n)
                    } else {
                        unsupported = unsupported ?? "`\\\(n)` in a sed replacement"
                    }
                }
                continue
            }
            i += 1
            if c == d {
                flush()
                return (unsupported == nil ? pieces : nil, unsupported)
            }
            if c == "\n" { throw ShellScript.Unsupported(reason: "a newline inside a sed command") }
            if c == "&" { flush(); pieces.append(.match) } else { text.append(c) }
        }
        throw ShellScript.Unsupported(reason: "an unterminated sed s command")
    }

    /// Applies the substitutions to every line of `bytes`, as sed does (a missing final
    /// newline stays missing). Nil when the file is not UTF-8 text.
    ///
    /// Throws `ShellRegex.Undecided` where the answer depends on the locale,
    /// `ShellRegex.OverBudget` when matching would take more than linear work
    /// (`ShellRegex.budget`), `ReplayLimits.Exceeded` when the result would be larger than a
    /// file may be (`sed 's/.*/&&/'` doubles a file each time): none of them after building
    /// more than the limit.
    static func apply(_ subs: [Substitution], to bytes: [UInt8], limits: ReplayLimits = .current, path: String = "the output") throws -> [UInt8]? {
        if subs.isEmpty || bytes.isEmpty { return bytes }
        var budget = ShellRegex.budget(bytes: bytes.count, items: subs.reduce(0) { $0 + $1.regex.items.count })
        // Line by line from the bytes, as bytes: the whole file as one array of scalars, split
        // into more, then appended scalar by scalar was four copies of it (`s/.*/&&/` again
        // and again spent most of its time there).
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var line: [Unicode.Scalar] = []
        let lines = Bytes.lines(bytes)
        let endsWithNewline = bytes.last == 0x0A
        for (n, bytesOfLine) in lines.enumerated() {
            // A newline is never inside a UTF-8 sequence: the file is UTF-8 when each line is.
            guard decode(bytesOfLine, into: &line) else { return nil }
            var current = line
            for sub in subs { current = try substitute(sub, in: current, budget: &budget, room: limits.fileBytes - out.count) }
            encode(current, into: &out)
            try limits.checkFile(path, size: out.count)
            if n < lines.count - 1 || endsWithNewline { out.append(0x0A) }
        }
        return out
    }

    /// `bytes` as Unicode scalars into `line`; false when they are not UTF-8.
    private static func decode(_ bytes: ArraySlice<UInt8>, into line: inout [Unicode.Scalar]) -> Bool {
        line.removeAll(keepingCapacity: true)
        if bytes.allSatisfy({ $0 < 0x80 }) {
            line.reserveCapacity(bytes.count)
            for b in bytes { line.append(Unicode.Scalar(b)) }
            return true
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { return false }
        line.append(contentsOf: text.unicodeScalars)
        return true
    }

    private static func encode(_ scalars: [Unicode.Scalar], into out: inout [UInt8]) {
        for c in scalars {
            if c.value < 0x80 { out.append(UInt8(truncatingIfNeeded: c.value)) } else { UTF8.encode(c) { out.append($0) } }
        }
    }

    /// One line with `sub` applied; throws `ReplayLimits.Exceeded` once the line would hold
    /// more than `room` scalars (each at least a byte).
    static func substitute(_ sub: Substitution, in line: [Unicode.Scalar], budget: inout Int, room: Int = .max) throws -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        var pos = 0
        var count = 0
        var previousEnd: Int?
        // Checked before the scalars are appended, so a line past the limit is never built.
        func grow(by k: Int) throws(ReplayLimits.Exceeded) {
            let size = out.count.saturatingAdd(k)
            guard size > room else { return }
            let limits = ReplayLimits.current
            throw ReplayLimits.Exceeded(what: "sed would make a line of over \(TextCount.bytes(size))", limit: limits.fileBytes, variable: .fileBytes)
        }
        while pos <= line.count, let m = try sub.regex.firstMatch(in: line, from: pos, notEmptyAt: previousEnd, budget: &budget) {
            count += 1
            if count >= sub.occurrence {
                var k = m.lowerBound - pos
                for piece in sub.replacement {
                    switch piece {
                    case .text(let t): k = k.saturatingAdd(t.count)
                    case .match: k = k.saturatingAdd(m.count)
                    }
                }
                try grow(by: k)
            }
            out += line[pos..<m.lowerBound]
            if count >= sub.occurrence {
                for piece in sub.replacement {
                    switch piece {
                    case .text(let t): out += t
                    case .match: out += line[m]
                    }
                }
            } else {
                out += line[m]
            }
            if m.isEmpty {
                if m.lowerBound < line.count { out.append(line[m.lowerBound]) }
                pos = m.lowerBound + 1
            } else {
                pos = m.upperBound
            }
            previousEnd = m.upperBound
            if !sub.global && count >= sub.occurrence { break }
        }
        if pos < line.count { out += line[pos...] }
        return out
    }
}
