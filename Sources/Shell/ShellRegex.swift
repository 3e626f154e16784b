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

    /// Matching took more steps than its budget: the work would grow faster than the text.
    struct OverBudget: Error {}

    /// Why a pattern is outside the subset.
    struct Unsupported: Error, Equatable, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    var anchoredStart = false
    var anchoredEnd = false
    var items: [Item] = []

    /// Every item is `.*` (`s/.*/&&/`, `s/^.*$/x/`): a match from any start runs to the end.
    var takesTheRestOfTheLine: Bool { !items.isEmpty && items.allSatisfy { $0.atom == .any && $0.star } }

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
    ///
    /// One pass over the line, in time O(line × pattern) whatever the pattern (no
    /// backtracking): every start position runs at once as a thread of the pattern's automaton,
    /// and two threads in one state keep only the leftmost start (their futures are the same).
    /// Each state tried at a position costs one step of `budget`; past it, `OverBudget`.
    /// `Undecided` is thrown exactly when trying the starts in order would have hit a
    /// locale-dependent character before finding the match.
    func firstMatch(in line: [Unicode.Scalar], from: Int, notEmptyAt: Int? = nil, budget: inout Int) throws -> Range<Int>? {
        if takesTheRestOfTheLine {
            // `.*` (any number of them, anchored or not) matches all that is left of the line,
            // whatever it holds (`.` starred is never undecided): no need to walk it.
            budget -= 1
            if budget < 0 { throw OverBudget() }
            guard !anchoredStart || from == 0, from <= line.count, !(from == line.count && notEmptyAt == from) else { return nil }
            return from..<line.count
        }
        let accept = items.count
        var current = [Int](repeating: -1, count: accept + 1)  // leftmost start in each state, -1: none
        var next = current
        var best: (start: Int, end: Int)?
        var undecidedFrom = Int.max  // the leftmost start whose scan meets an undecided character
        var pos = from
        func add(_ state: Int, _ start: Int, to threads: inout [Int]) {
            var s = state
            while true {
                if threads[s] >= 0 && threads[s] <= start { return }
                threads[s] = start
                guard s < accept, items[s].star else { return }
                s += 1
            }
        }
        while true {
            if best == nil, pos < undecidedFrom, !anchoredStart || pos == 0 { add(0, pos, to: &current) }
            let s = current[accept]
            if s >= 0, !anchoredEnd || pos == line.count, !(s == pos && pos == notEmptyAt) {
                if best == nil || s <= best!.start { best = (s, pos) }
            }
            if let b = best {
                for i in current.indices where current[i] > b.start { current[i] = -1 }
            }
            if pos == line.count { break }
            for i in next.indices { next[i] = -1 }
            var alive = false
            for state in 0..<accept where current[state] >= 0 {
                budget -= 1
                if budget < 0 { throw OverBudget() }
                let start = current[state]
                do {
                    guard try items[state].atom.matches(line[pos], starred: items[state].star) else { continue }
                } catch {
                    undecidedFrom = min(undecidedFrom, start)
                    continue
                }
                add(items[state].star ? state : state + 1, start, to: &next)
                alive = true
            }
            swap(&current, &next)
            pos += 1
            if !alive && (best != nil || anchoredStart || pos >= undecidedFrom) { break }
        }
        if undecidedFrom != Int.max && (best == nil || undecidedFrom <= best!.start) { throw Undecided() }
        return best.map { $0.start..<$0.end }
    }

    /// The steps a sed run may take over `bytes` with `patterns` items in all: a few times
    /// what one pass of each over the text takes, so only work beyond linear runs out.
    static func budget(bytes: Int, items: Int) -> Int {
        4 &* (bytes &+ 1) &* (items &+ 1) &+ 1_000_000
    }
}

/// A bracket expression of a BRE.
struct ShellRegexSet: Equatable {
    var negated = false
    var scalars: [Unicode.Scalar] = []
    var ranges: [ClosedRange<UInt32>] = []
    var classes: [String] = []

    func contains(_ c: Unicode.Scalar) -> Bool {
        let hit =
            scalars.contains(c) || ranges.contains { $0.contains(c.value) }
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
