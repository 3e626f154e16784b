/// A glob of a policy rule: `*` any run of characters (not `/` in a path glob), `**` any run
/// including `/` (path globs), `?` one character (not `/` in a path glob), `[abc]`, `[a-z]`,
/// `[!abc]` one character of a set.
public struct Glob: Sendable, Equatable, CustomStringConvertible {
    public enum Flavour: Sendable {
        /// Paths: `*` and `?` stop at `/`, `**` crosses it.
        case path
        /// Command lines and domains: `*` matches anything.
        case text
    }

    public let pattern: String
    let flavour: Flavour
    private let scalars: [Character]

    public var description: String { pattern }

    /// A glob, or the reason it cannot match anything (an unclosed `[`, an empty set).
    public init(_ pattern: String, flavour: Flavour) throws(Invalid) {
        guard !pattern.isEmpty else { throw Invalid(reason: "an empty pattern matches nothing") }
        self.pattern = pattern
        self.flavour = flavour
        self.scalars = Array(pattern)
        var i = 0
        while i < scalars.count {
            if scalars[i] == "[" {
                guard let close = Self.classEnd(scalars, from: i) else {
                    throw Invalid(reason: "'[' at character \(i + 1) is never closed, so the pattern matches nothing")
                }
                i = close
            }
            i += 1
        }
    }

    public struct Invalid: Error, Sendable, Equatable {
        public var reason: String
    }

    /// The index of the `]` closing the class opened at `i`, or nil.
    static func classEnd(_ s: [Character], from i: Int) -> Int? {
        var j = i + 1
        if j < s.count, s[j] == "!" || s[j] == "^" { j += 1 }
        if j < s.count, s[j] == "]" { j += 1 }
        while j < s.count {
            if s[j] == "]" { return j }
            j += 1
        }
        return nil
    }

    public func matches(_ text: String) -> Bool {
        let t = Array(text)
        var memo: [Int: Bool] = [:]
        func match(_ p: Int, _ s: Int) -> Bool {
            let key = p * (t.count + 1) + s
            if let known = memo[key] { return known }
            let result: Bool
            if p == scalars.count {
                result = s == t.count
            } else {
                switch scalars[p] {
                case "*":
                    let double = flavour == .path && p + 1 < scalars.count && scalars[p + 1] == "*"
                    var next = double ? p + 2 : p + 1
                    // `**/` also matches no folder at all.
                    if double, next < scalars.count, scalars[next] == "/", match(next + 1, s) { result = true; break }
                    if double { while next < scalars.count, scalars[next] == "*" { next += 1 } }
                    var k = s
                    var found = false
                    while true {
                        if match(next, k) { found = true; break }
                        guard k < t.count, double || flavour == .text || t[k] != "/" else { break }
                        k += 1
                    }
                    result = found
                case "?":
                    result = s < t.count && (flavour == .text || t[s] != "/") && match(p + 1, s + 1)
                case "[":
                    guard let close = Self.classEnd(scalars, from: p), s < t.count else { result = false; break }
                    result = inClass(scalars[(p + 1)..<close], t[s]) && match(close + 1, s + 1)
                default:
                    result = s < t.count && scalars[p] == t[s] && match(p + 1, s + 1)
                }
            }
            memo[key] = result
            return result
        }
        return match(0, 0)
    }

    func inClass(_ body: ArraySlice<Character>, _ c: Character) -> Bool {
        var items = Array(body)
        var negate = false
        if let first = items.first, first == "!" || first == "^" { negate = true; items.removeFirst() }
        var hit = false
        var i = 0
        while i < items.count {
            if i + 2 < items.count, items[i + 1] == "-" {
                if items[i] <= c && c <= items[i + 2] { hit = true }
                i += 3
            } else {
                if items[i] == c { hit = true }
                i += 1
            }
        }
        return hit != negate
    }
}
