@testable import Shell

/// Fuzz target `shell-match`: the glob and regex engines of the shell model (`ShellGlob`,
/// `ShellRegex` in the `Shell` module, built with testing enabled to reach them).
///
/// The input is up to four parts separated by NUL bytes: a `sed` basic regular expression, a
/// line it is matched against, a glob pattern (a `\` quotes the character after it) and a
/// file name. Besides not crashing or hanging, each engine must agree with the backtracking
/// reference it replaced (on inputs small enough for the reference to finish), and the regex
/// must take at most one step per pattern item per character of the line (issue 19: work
/// linear in what a log chooses).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = FuzzInput.bytes(data, size)
    let parts = bytes.split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false).map {
        Array(String(decoding: $0, as: UTF8.self).unicodeScalars)
    }
    let part = { (i: Int) in i < parts.count ? parts[i] : [] }
    checkRegex(part(0), line: part(1))
    checkGlob(part(2), name: part(3))
    return 0
}

func checkRegex(_ pattern: [Unicode.Scalar], line: [Unicode.Scalar]) {
    guard let regex = try? ShellRegex(basic: pattern) else { return }
    for from in [0, 1, line.count / 2, line.count] where from <= line.count {
        for notEmptyAt in [nil, from] as [Int?] {
            var budget = Int.max
            let found: Result<Range<Int>?, Error> = Result { try regex.firstMatch(in: line, from: from, notEmptyAt: notEmptyAt, budget: &budget) }
            let steps = Int.max - budget
            FuzzInput.require(steps <= (line.count - from + 1) * max(1, regex.items.count), "\(steps) steps for a line of \(line.count)")
            guard line.count <= 200 else { continue }
            let expected: Result<Range<Int>?, Error> = Result { try Reference.firstMatch(regex, in: line, from: from, notEmptyAt: notEmptyAt) }
            switch (found, expected) {
            case (.success(let a), .success(let b)):
                FuzzInput.require(a == b, "match \(String(describing: a)), the reference \(String(describing: b))")
            case (.failure, .failure): break
            default: FuzzInput.require(false, "one threw, the other did not: \(found), reference \(expected)")
            }
        }
    }
}

func checkGlob(_ text: [Unicode.Scalar], name: [Unicode.Scalar]) {
    var pattern: [(Unicode.Scalar, Bool)] = []
    var i = 0
    while i < text.count {
        if text[i] == "\\", i + 1 < text.count { pattern.append((text[i + 1], false)); i += 2 } else { pattern.append((text[i], true)); i += 1 }
    }
    guard pattern.count <= 4_096 else { return }
    let nameText = String(String.UnicodeScalarView(name))
    let answer = ShellGlob.matches(pattern, nameText)
    // The reference backtracks: exponential in the stars, so only small cases.
    guard pattern.filter({ $0.1 && $0.0 == "*" }).count <= 6, name.count <= 40 else { return }
    let n = name
    let expected = n.first == "." && (pattern.first.map { $0.0 != "." } ?? true) ? false : Reference.glob(pattern[...], n[...])
    FuzzInput.require(answer == expected, "glob answered \(answer), the reference \(expected)")
}

/// The engines replay used before issue 19, kept as the specification of the answers.
enum Reference {
    static func firstMatch(_ r: ShellRegex, in line: [Unicode.Scalar], from: Int, notEmptyAt: Int?) throws -> Range<Int>? {
        var start = from
        while start <= line.count {
            if r.anchoredStart && start != 0 { return nil }
            if let end = try longest(r, in: line, at: start), !(end == start && start == notEmptyAt) { return start..<end }
            start += 1
        }
        return nil
    }

    static func longest(_ r: ShellRegex, in line: [Unicode.Scalar], at start: Int) throws -> Int? {
        func closure(_ states: Set<Int>) -> Set<Int> {
            var out = states
            for state in states {
                var s = state
                while s < r.items.count, r.items[s].star { s += 1; out.insert(s) }
            }
            return out
        }
        var states = closure([0])
        var best: Int?
        var pos = start
        while true {
            if states.contains(r.items.count) && (!r.anchoredEnd || pos == line.count) { best = pos }
            if pos == line.count || states.isEmpty { break }
            var next: Set<Int> = []
            for state in states where state < r.items.count {
                if try r.items[state].atom.matches(line[pos], starred: r.items[state].star) { next.insert(r.items[state].star ? state : state + 1) }
            }
            states = closure(next)
            pos += 1
        }
        return best
    }

    static func glob(_ p: ArraySlice<(Unicode.Scalar, Bool)>, _ n: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let (c, bare) = p.first else { return n.isEmpty }
        if bare && c == "*" {
            var rest = p.dropFirst()
            while let (d, b) = rest.first, b, d == "*" { rest = rest.dropFirst() }
            if rest.isEmpty { return true }
            var k = n.startIndex
            while true {
                if glob(rest, n[k...]) { return true }
                if k == n.endIndex { return false }
                k += 1
            }
        }
        guard let x = n.first else { return false }
        if bare && c == "?" { return glob(p.dropFirst(), n.dropFirst()) }
        if bare && c == "[", let (set, after) = ShellGlob.bracket(p) { return set(x) && glob(after, n.dropFirst()) }
        return c == x && glob(p.dropFirst(), n.dropFirst())
    }
}
