/// Glob matching of one path component, apart from the files it is expanded against (pure:
/// the `shell-match` fuzz target compiles it alone): `*`, `?`, bracket expressions with
/// ranges, negation and the POSIX classes, `(scalar, unquoted)` pairs so quoted characters
/// stand for themselves.
enum ShellGlob {
    /// Whether `name` matches one component of a pattern (`(scalar, unquoted)` pairs).
    static func matches(_ pattern: [(Unicode.Scalar, Bool)], _ name: String) -> Bool {
        let n = Array(name.unicodeScalars)
        if n.first == ".", pattern.first.map({ !($0.0 == ".") }) ?? true { return false }
        return match(tokens(pattern[...]), n[...])
    }

    /// One element of a compiled pattern.
    enum Token {
        case star
        case one((Unicode.Scalar) -> Bool)
    }

    /// The pattern as tokens: a run of `*` as one star, `?`, a bracket expression or a
    /// literal scalar as one test each.
    static func tokens(_ pattern: ArraySlice<(Unicode.Scalar, Bool)>) -> [Token] {
        var out: [Token] = []
        var p = pattern
        while let (c, bare) = p.first {
            if bare && c == "*" {
                if case .star? = out.last {} else { out.append(.star) }
                p = p.dropFirst()
            } else if bare && c == "?" {
                out.append(.one { _ in true })
                p = p.dropFirst()
            } else if bare && c == "[", let (set, after) = bracket(p) {
                out.append(.one(set))
                p = after
            } else {
                out.append(.one { $0 == c })
                p = p.dropFirst()
            }
        }
        return out
    }

    /// Whether `n` matches the tokens, without backtracking blow-up: only the last star is
    /// ever resumed (what the text after an earlier star matched can always be matched
    /// after the later one instead), so the work is O(pattern × name) however many stars,
    /// where trying every split at every star took time exponential in their number
    /// (`*a*a*a*a*a*b` against a long name of `a`s).
    static func match(_ p: [Token], _ n: ArraySlice<Unicode.Scalar>) -> Bool {
        let name = Array(n)
        var pi = 0, ni = 0
        var starAt = -1, resumeAt = 0
        while ni < name.count {
            if pi < p.count, case .star = p[pi] {
                starAt = pi
                resumeAt = ni
                pi += 1
            } else if pi < p.count, case .one(let test) = p[pi], test(name[ni]) {
                pi += 1
                ni += 1
            } else if starAt >= 0 {
                pi = starAt + 1
                resumeAt += 1
                ni = resumeAt
            } else {
                return false
            }
        }
        while pi < p.count, case .star = p[pi] { pi += 1 }
        return pi == p.count
    }

    /// A bracket expression at the start of `p`: its test and the pattern after it; nil when
    /// it is not closed (then `[` is literal).
    static func bracket(_ p: ArraySlice<(Unicode.Scalar, Bool)>) -> ((Unicode.Scalar) -> Bool, ArraySlice<(Unicode.Scalar, Bool)>)? {
        var k = p.startIndex + 1
        var negate = false
        if k < p.endIndex, p[k].1, p[k].0 == "!" || p[k].0 == "^" { negate = true; k += 1 }
        var tests: [(Unicode.Scalar) -> Bool] = []
        var first = true
        while k < p.endIndex {
            let (c, bare) = p[k]
            if c == "]" && bare && !first {
                let all = tests
                return ({ x in all.contains { $0(x) } != negate }, p[(k + 1)...])
            }
            first = false
            if c == "[", bare, k + 1 < p.endIndex, p[k + 1].0 == ":" {
                // [:class:]
                var e = k + 2
                while e + 1 < p.endIndex, !(p[e].0 == ":" && p[e + 1].0 == "]") { e += 1 }
                guard e + 1 < p.endIndex else { return nil }
                let name = String(String.UnicodeScalarView(p[(k + 2)..<e].map(\.0)))
                guard let test = characterClass(name) else { return nil }
                tests.append(test)
                k = e + 2
                continue
            }
            if k + 2 < p.endIndex, p[k + 1].0 == "-", p[k + 1].1, !(p[k + 2].0 == "]" && p[k + 2].1) {
                let low = c.value, high = p[k + 2].0.value
                tests.append { $0.value >= low && $0.value <= high }
                k += 3
                continue
            }
            tests.append { $0 == c }
            k += 1
        }
        return nil
    }

    /// The POSIX character classes, for ASCII.
    static func characterClass(_ name: String) -> ((Unicode.Scalar) -> Bool)? {
        func ascii(_ f: @escaping (UInt32) -> Bool) -> (Unicode.Scalar) -> Bool { { $0.value < 0x80 && f($0.value) } }
        let digit: (UInt32) -> Bool = { $0 >= 0x30 && $0 <= 0x39 }
        let upper: (UInt32) -> Bool = { $0 >= 0x41 && $0 <= 0x5A }
        let lower: (UInt32) -> Bool = { $0 >= 0x61 && $0 <= 0x7A }
        switch name {
        case "digit": return ascii(digit)
        case "upper": return ascii(upper)
        case "lower": return ascii(lower)
        case "alpha": return ascii { upper($0) || lower($0) }
        case "alnum": return ascii { upper($0) || lower($0) || digit($0) }
        case "xdigit": return ascii { digit($0) || ($0 >= 0x41 && $0 <= 0x46) || ($0 >= 0x61 && $0 <= 0x66) }
        case "space": return ascii { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
        case "blank": return ascii { $0 == 0x20 || $0 == 0x09 }
        case "punct":
            return ascii { ($0 >= 0x21 && $0 <= 0x2F) || ($0 >= 0x3A && $0 <= 0x40) || ($0 >= 0x5B && $0 <= 0x60) || ($0 >= 0x7B && $0 <= 0x7E) }
        case "cntrl": return ascii { $0 < 0x20 || $0 == 0x7F }
        case "print": return ascii { $0 >= 0x20 && $0 < 0x7F }
        case "graph": return ascii { $0 > 0x20 && $0 < 0x7F }
        default: return nil
        }
    }
}
