/// A POSIX basic regular expression, for the subset replay follows in `sed`: literal text,
/// `.`, `*`, `^` and `$` as anchors, bracket expressions (`[abc]`, `[^a-z]`, `[[:space:]]`),
/// and the escapes `\.` `\*` `\[` `\]` `\^` `\$` `\\` `\/` `\t` `\n` `\r`. Matching is
/// leftmost-longest, as POSIX and GNU sed match, over Unicode scalars.
///
/// Where GNU sed's answer would depend on the locale (`.` or a bracket tested against a
/// non-ASCII character: one character in a UTF-8 locale, one byte in the C locale),
/// matching throws `Undecided` instead of guessing.
struct ShellRegex: Equatable {
    enum Atom: Equatable {
        case literal(Unicode.Scalar)
        case any
        /// A bracket expression: single scalars, ranges, classes; negated.
        case set(ShellRegexSet)

        /// Whether the atom matches `c`. A non-ASCII `c` is one character in a UTF-8 locale
        /// and several bytes in the C locale: where that changes the answer (`.` or `[^…]`
        /// once, a class such as `[[:alpha:]]`), it throws.
        func matches(_ c: Unicode.Scalar, starred: Bool) throws(Undecided) -> Bool {
            switch self {
            case .literal(let l): return l == c
            case .any:
                if c.value >= 0x80 && !starred { throw Undecided() }
                return true
            case .set(let s):
                guard c.value >= 0x80 else { return s.contains(c) }
                if !s.classes.isEmpty { throw Undecided() }
                if s.negated && !starred { throw Undecided() }
                return s.negated
            }
        }
    }

    struct Item: Equatable {
        var atom: Atom
        var star: Bool
    }

    struct Undecided: Error {}

    /// Why a pattern is outside the subset.
    struct Unsupported: Error, Equatable, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    var anchoredStart = false
    var anchoredEnd = false
    var items: [Item] = []

    /// Compiles a BRE (its delimiter escapes already removed).
    init(basic pattern: [Unicode.Scalar]) throws(Unsupported) {
        if pattern.isEmpty { throw Unsupported(reason: "an empty regex (the last regex used)") }
        var i = 0
        if pattern.first == "^" { anchoredStart = true; i = 1 }
        while i < pattern.count {
            let c = pattern[i]
            switch c {
            case "\\":
                guard i + 1 < pattern.count else { throw Unsupported(reason: "a trailing backslash") }
                let n = pattern[i + 1]
                i += 2
                switch n {
                case "t": items.append(Item(atom: .literal("\t"), star: false))
                case "n": items.append(Item(atom: .literal("\n"), star: false))
                case "r": items.append(Item(atom: .literal("\r"), star: false))
                case "(", ")", "{", "}", "+", "?", "|", "<", ">", "`", "'":
                    throw Unsupported(reason: "`\\\(n)` in a regex")
                default:
                    // Other punctuation escaped stands for itself; letters and digits are
                    // GNU extensions or back-references.
                    guard n.value < 0x80, n.properties.isPatternSyntax || n == " " else {
                        throw Unsupported(reason: "`\\\(n)` in a regex")
                    }
                    items.append(Item(atom: .literal(n), star: false))
                }
                continue
            case ".":
                items.append(Item(atom: .any, star: false))
            case "[":
                let (set, end) = try ShellRegexSet.parse(pattern, at: i)
                items.append(Item(atom: .set(set), star: false))
                i = end
                continue
            case "*":
                if let last = items.indices.last {
                    items[last].star = true
                } else {
                    items.append(Item(atom: .literal("*"), star: false))  // `*` first is literal
                }
            case "$" where i == pattern.count - 1:
                anchoredEnd = true
            default:
                items.append(Item(atom: .literal(c), star: false))
            }
            i += 1
        }
    }

    /// The leftmost-longest match in `line` starting at or after `from`, skipping an empty
    /// match at `notEmptyAt`; nil when there is none.
    func firstMatch(in line: [Unicode.Scalar], from: Int, notEmptyAt: Int? = nil) throws(Undecided) -> Range<Int>? {
        var start = from
        while start <= line.count {
            if anchoredStart && start != 0 { return nil }
            if let end = try longest(in: line, at: start), !(end == start && start == notEmptyAt) {
                return start..<end
            }
            start += 1
        }
        return nil
    }

    /// The end of the longest match starting at `start`.
    func longest(in line: [Unicode.Scalar], at start: Int) throws(Undecided) -> Int? {
        var states = closure([0])
        var best: Int?
        var pos = start
        while true {
            if states.contains(items.count) && (!anchoredEnd || pos == line.count) { best = pos }
            if pos == line.count || states.isEmpty { break }
            var next: Set<Int> = []
            for state in states where state < items.count {
                if try items[state].atom.matches(line[pos], starred: items[state].star) { next.insert(items[state].star ? state : state + 1) }
            }
            states = closure(next)
            pos += 1
        }
        return best
    }

    func closure(_ states: Set<Int>) -> Set<Int> {
        var out = states
        for state in states {
            var s = state
            while s < items.count, items[s].star {
                s += 1
                out.insert(s)
            }
        }
        return out
    }
}

/// A bracket expression of a BRE.
struct ShellRegexSet: Equatable {
    var negated = false
    var scalars: [Unicode.Scalar] = []
    var ranges: [ClosedRange<UInt32>] = []
    var classes: [String] = []

    func contains(_ c: Unicode.Scalar) -> Bool {
        let hit = scalars.contains(c) || ranges.contains { $0.contains(c.value) }
            || classes.contains { ShellGlob.characterClass($0)?(c) ?? false }
        return hit != negated
    }

    /// Parses `[…]` starting at `at`; returns the set and the index after `]`.
    static func parse(_ p: [Unicode.Scalar], at: Int) throws(ShellRegex.Unsupported) -> (ShellRegexSet, Int) {
        var set = ShellRegexSet()
        var i = at + 1
        if i < p.count, p[i] == "^" { set.negated = true; i += 1 }
        var first = true
        while i < p.count {
            let c = p[i]
            if c == "]" && !first { return (set, i + 1) }
            first = false
            if c == "\\" { throw ShellRegex.Unsupported(reason: "a backslash in a bracket expression") }
            if c == "[", i + 1 < p.count, p[i + 1] == ":" || p[i + 1] == "=" || p[i + 1] == "." {
                guard p[i + 1] == ":" else { throw ShellRegex.Unsupported(reason: "collating elements in a bracket expression") }
                var e = i + 2
                while e + 1 < p.count, !(p[e] == ":" && p[e + 1] == "]") { e += 1 }
                guard e + 1 < p.count else { throw ShellRegex.Unsupported(reason: "an unterminated character class") }
                let name = String(String.UnicodeScalarView(p[(i + 2)..<e]))
                guard ShellGlob.characterClass(name) != nil else { throw ShellRegex.Unsupported(reason: "the class [:\(name):]") }
                set.classes.append(name)
                i = e + 2
                continue
            }
            if i + 2 < p.count, p[i + 1] == "-", p[i + 2] != "]" {
                let low = c.value, high = p[i + 2].value
                guard low < 0x80, high < 0x80 else { throw ShellRegex.Unsupported(reason: "a non-ASCII range") }
                guard low <= high else { throw ShellRegex.Unsupported(reason: "an invalid range end") }
                set.ranges.append(low...high)
                i += 3
                continue
            }
            if c.value >= 0x80 { throw ShellRegex.Unsupported(reason: "a non-ASCII character in a bracket expression") }
            set.scalars.append(c)
            i += 1
        }
        throw ShellRegex.Unsupported(reason: "an unterminated bracket expression")
    }
}
