import Git
import ToolSemantics

/// The check of a replayed run against the submission SWE-agent recorded: the output of
/// `git add -A && git diff --cached` in the container at the end of the run, i.e. every file
/// that differs from the base commit, except files `.gitignore` excludes.
///
/// Each file in the submission is applied (strictly) to the file at the base, and the result
/// must be the file in the final tree; each file that changed between the base and the final
/// tree must be in the submission (or be ignored). What does not hold is drift.
enum SWEAgentSubmission {
    enum Result {
        case unreadable(String)
        case drift([Drift])
    }

    struct Check {
        /// The paths the submission names.
        var paths: [RepoPath]
        var result: Result
    }

    static func check(_ submission: String, base: ObjectID, final: ObjectID, repository: Repository) throws -> Check {
        let diff: GitDiff
        switch GitDiff.parse(submission) {
        case .failure(let problem): return Check(paths: [], result: .unreadable(problem.description))
        case .success(let d): diff = d
        }
        func file(_ tree: ObjectID, _ path: RepoPath) throws -> (bytes: [UInt8], mode: FileMode)? {
            guard let entry = try repository.entry(in: tree, path: path.value), entry.mode.isBlob else { return nil }
            return (try repository.blob(entry.id), entry.mode)
        }
        func path(_ raw: String?) -> RepoPath? { raw.flatMap { try? repoPath($0).get() } }
        var drift: [Drift] = []
        var listed = Set<RepoPath>()
        var paths: [RepoPath] = []
        for entry in diff.files {
            for raw in [entry.oldPath, entry.newPath].compactMap({ $0 }) {
                if case .failure(let refusal) = repoPath(raw) {
                    return Check(paths: paths, result: .unreadable("a path replay cannot use: \(refusal)"))
                }
            }
            let old = path(entry.oldPath), new = path(entry.newPath)
            for p in [old, new].compactMap({ $0 }) where listed.insert(p).inserted { paths.append(p) }
            let before = try old.flatMap { try file(base, $0) }
            if let old, before == nil {
                drift.append(
                    Drift(
                        kind: .beforeImage, path: old.value, recorded: "(file at the base, changed by the submission)",
                        replayed: "(no file at the base)"))
                continue
            }
            if let old, new != old, !entry.copy, try file(final, old) != nil {
                drift.append(
                    Drift(
                        kind: .existence, path: old.value, recorded: new == nil ? "(deleted)" : "(renamed to \(new!.value))",
                        replayed: "(file exists)"))
            }
            guard let new else { continue }
            guard let after = try file(final, new) else {
                drift.append(Drift(kind: .existence, path: new.value, recorded: "(file in the submission)", replayed: "(no file)"))
                continue
            }
            if let mode = entry.newMode, let recorded = FileMode(rawValue: UInt32(mode, radix: 8) ?? 0), recorded != after.mode {
                drift.append(
                    Drift(kind: .afterImage, path: new.value, recorded: "(mode \(mode))", replayed: "(mode \(String(after.mode.rawValue, radix: 8)))")
                )
            }
            if entry.binary { continue }
            switch entry.diff.apply(to: before?.bytes) {
            case .failure(let misfit):
                drift.append(
                    Drift(kind: .beforeImage, path: (old ?? new).value, line: misfit.line, recorded: misfit.expected, replayed: misfit.found))
            case .success(let expected):
                if let d = Drift.compare(recorded: expected, replayed: after.bytes, kind: .afterImage, path: new.value) { drift.append(d) }
            }
        }
        var ignore = GitIgnore(repository: repository, tree: final)
        for change in try repository.diff(from: base, to: final) {
            guard let p = try? RepoPath.relative(change.path).get(), !listed.contains(p) else { continue }
            if change.newMode == .tree || change.oldMode == .tree { continue }
            if change.newID != nil, try ignore.ignores(p.value) { continue }
            drift.append(
                Drift(
                    kind: .existence, path: p.value, recorded: "(not in the submission: unchanged)",
                    replayed: change.newID == nil ? "(deleted on replay)" : change.oldID == nil ? "(created on replay)" : "(changed on replay)"))
        }
        return Check(paths: paths, result: .drift(drift))
    }
}

extension SWEAgentSubmission {
    /// A path as `git diff` names it in SWE-agent's Linux container: relative to the repository
    /// and POSIX, whatever it looks like — `C:/x/y.py` is the file `y.py` in the directories `C:`
    /// and `x`, not a Windows drive. A backslash is a character of a name there, which replay
    /// does not write: refused.
    static func repoPath(_ raw: String) -> Swift.Result<RepoPath, RepoPath.Refusal> {
        if raw.contains("\\") { return .failure(.invalid(raw, reason: "a backslash in a file name (SWE-agent runs on Linux)")) }
        if raw.hasPrefix("/") { return .failure(.outsideRepo(raw)) }
        return RepoPath.map("/" + raw, root: "/")
    }
}

/// A `git diff` in git's own format: `diff --git` headers, extended headers (`new file mode`,
/// `deleted file mode`, `old mode`/`new mode`, `rename from`/`to`, `copy from`/`to`,
/// `similarity index`, `index`), `---`/`+++` lines, hunks, binary markers. Paths may be
/// C-quoted; `a/` and `b/` prefixes are dropped.
struct GitDiff {
    struct File {
        /// nil: the file is new.
        var oldPath: String?
        /// nil: the file is deleted.
        var newPath: String?
        var newMode: String?
        var copy = false
        var binary = false
        var diff = UnifiedDiff(hunks: [])
    }

    struct Problem: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line) of the diff: \(message)" }
    }

    var files: [File] = []

    static func parse(_ text: String) -> Result<GitDiff, Problem> {
        var bytes = Array(text.utf8)
        // A submission read from a terminal has `\r\n` line ends throughout: git never ends a
        // `diff --git` line with a raw `\r` (it quotes a name holding one), so when they all
        // do, every line's `\r` is the terminal's. Else only header lines lose a stray one.
        let headers = bytes.split(separator: 0x0A).filter { $0.starts(with: "diff --git ".utf8) }
        let terminal = !headers.isEmpty && headers.allSatisfy { $0.last == 0x0D }
        if terminal { bytes = Bytes.normalisingCRLF(bytes) }
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var diff = GitDiff()
        var i = 0
        func starts(_ line: ArraySlice<UInt8>, _ prefix: String) -> String? {
            guard line.starts(with: prefix.utf8) else { return nil }
            var rest = line.dropFirst(prefix.utf8.count)
            if rest.last == 0x0D { rest = rest.dropLast() }  // a header line's stray `\r`
            return String(decoding: rest, as: UTF8.self)
        }
        while i < lines.count, starts(lines[i], "diff --git ") == nil { i += 1 }  // text before the first file
        while i < lines.count {
            guard let header = starts(lines[i], "diff --git ") else {
                return .failure(Problem(line: i + 1, message: "expected a `diff --git` line"))
            }
            let names = headerPaths(header)
            var file = File(oldPath: names?.0, newPath: names?.1)
            i += 1
            while i < lines.count, starts(lines[i], "diff --git ") == nil, !lines[i].starts(with: "@@ ".utf8) {
                let line = lines[i]
                i += 1
                if let mode = starts(line, "new file mode ") { file.oldPath = nil; file.newMode = mode; continue }
                if starts(line, "deleted file mode ") != nil { file.newPath = nil; continue }
                if let mode = starts(line, "new mode ") { file.newMode = mode; continue }
                if let p = starts(line, "rename from ") ?? starts(line, "copy from ") {
                    file.oldPath = unquote(p) ?? p; file.copy = line.starts(with: "copy".utf8); continue
                }
                if let p = starts(line, "rename to ") ?? starts(line, "copy to ") { file.newPath = unquote(p) ?? p; continue }
                if let p = starts(line, "--- ") { file.oldPath = side(p, "a/"); continue }
                if let p = starts(line, "+++ ") { file.newPath = side(p, "b/"); continue }
                if starts(line, "Binary files ") != nil || starts(line, "GIT binary patch") != nil { file.binary = true; continue }
                if ["old mode ", "similarity index ", "dissimilarity index ", "index "].contains(where: { starts(line, $0) != nil }) { continue }
                if file.binary { continue }  // the data of a binary patch
                return .failure(Problem(line: i, message: "unexpected line \(String(decoding: line.prefix(80), as: UTF8.self).debugDescription)"))
            }
            if i < lines.count, lines[i].starts(with: "@@ ".utf8) {
                guard let parsed = UnifiedDiff.parseHunks(lines, from: i) else {
                    return .failure(Problem(line: i + 1, message: "a hunk that does not match its header"))
                }
                file.diff = UnifiedDiff(hunks: parsed.hunks)
                i = parsed.next
            }
            diff.files.append(file)
        }
        return .success(diff)
    }

    /// `a/X b/Y` (or quoted) from a `diff --git` line.
    static func headerPaths(_ s: String) -> (String, String)? {
        if s.hasPrefix("\"") {
            guard let (a, rest) = quotedPrefix(s), rest.hasPrefix(" ") else { return nil }
            let b = String(rest.dropFirst())
            return (strip(a, "a/"), strip(unquote(b) ?? b, "b/"))
        }
        // Unquoted: the same name twice when it is not a rename, so split in the middle.
        let bytes = Array(s.utf8)
        if bytes.count >= 5, (bytes.count - 5) % 2 == 0 {
            let n = (bytes.count - 5) / 2
            let a = String(decoding: bytes[2..<(2 + n)], as: UTF8.self)
            if s.hasPrefix("a/"), String(decoding: bytes[(2 + n)...], as: UTF8.self) == " b/" + a { return (a, a) }
        }
        guard let range = s.range(of: " b/") else { return nil }
        return (strip(String(s[..<range.lowerBound]), "a/"), String(s[range.upperBound...]))
    }

    /// A `---`/`+++` name: `/dev/null` (nil), else the path without its prefix.
    static func side(_ s: String, _ prefix: String) -> String? {
        var name = s
        if name.hasSuffix("\t") { name.removeLast() }
        if name == "/dev/null" { return nil }
        return strip(unquote(name) ?? name, prefix)
    }

    static func strip(_ s: String, _ prefix: String) -> String { s.hasPrefix(prefix) ? String(s.dropFirst(prefix.count)) : s }

    static func unquote(_ s: String) -> String? {
        guard let (value, rest) = quotedPrefix(s), rest.isEmpty else { return nil }
        return value
    }

    /// A C-quoted string at the start of `s` (git's quoting of unusual paths), and the rest.
    static func quotedPrefix(_ s: String) -> (String, Substring)? {
        let bytes = Array(s.utf8)
        guard bytes.first == UInt8(ascii: "\"") else { return nil }
        var out: [UInt8] = []
        var i = 1
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                return (String(decoding: out, as: UTF8.self), Substring(String(decoding: bytes[(i + 1)...], as: UTF8.self)))
            }
            if b == UInt8(ascii: "\\"), i + 1 < bytes.count {
                let e = bytes[i + 1]
                let simple: [UInt8: UInt8] = [0x61: 7, 0x62: 8, 0x74: 9, 0x6E: 10, 0x76: 11, 0x66: 12, 0x72: 13, 0x22: 0x22, 0x5C: 0x5C]
                if let c = simple[e] { out.append(c); i += 2; continue }
                if (0x30...0x37).contains(e) {
                    let digits = bytes[(i + 1)..<min(i + 4, bytes.count)]
                    guard digits.count == 3, digits.allSatisfy({ (0x30...0x37).contains($0) }) else { return nil }
                    out.append(digits.reduce(0) { $0 &* 8 &+ ($1 - 0x30) })
                    i += 4
                    continue
                }
                return nil
            }
            out.append(b)
            i += 1
        }
        return nil
    }
}

/// Whether git would ignore a path, from the `.gitignore` files of a tree (the root's and
/// those of the path's directories; no global or `info/exclude` rules): the last matching
/// pattern wins, a deeper file's patterns after a shallower one's, and a path below an
/// ignored directory is ignored.
struct GitIgnore {
    struct Rule {
        var pattern: [UInt8]
        var negated: Bool
        var directoryOnly: Bool
        /// Matched against the path relative to the `.gitignore`'s directory, not the name.
        var anchored: Bool
    }

    let repository: Repository
    let tree: ObjectID
    private var rules: [String: [Rule]] = [:]

    init(repository: Repository, tree: ObjectID) {
        self.repository = repository
        self.tree = tree
    }

    mutating func ignores(_ path: String) throws -> Bool {
        let parts = path.split(separator: "/").map(String.init)
        for depth in 1...parts.count {
            let candidate = parts.prefix(depth).joined(separator: "/")
            if try decision(candidate, isDirectory: depth < parts.count) == true { return true }
        }
        return false
    }

    /// Whether the patterns of the `.gitignore` files above `path` ignore it (nil: none match).
    private mutating func decision(_ path: String, isDirectory: Bool) throws -> Bool? {
        let parts = path.split(separator: "/").map(String.init)
        var result: Bool?
        for depth in 0..<parts.count {
            let directory = parts.prefix(depth).joined(separator: "/")
            let relative = parts.dropFirst(depth).joined(separator: "/")
            for rule in try rules(in: directory) where !rule.directoryOnly || isDirectory {
                let subject = rule.anchored ? relative : parts.last!
                if GitIgnore.match(rule.pattern[...], Array(subject.utf8)[...]) { result = !rule.negated }
            }
        }
        return result
    }

    private mutating func rules(in directory: String) throws -> [Rule] {
        if let known = rules[directory] { return known }
        var parsed: [Rule] = []
        let file = directory.isEmpty ? ".gitignore" : directory + "/.gitignore"
        if let entry = try repository.entry(in: tree, path: file), entry.mode == .blob || entry.mode == .executable {
            for raw in try repository.blob(entry.id).split(separator: 0x0A) {
                var line = Array(raw)
                if line.last == 0x0D { line.removeLast() }
                while line.last == 0x20, line.count >= 2, line[line.count - 2] != 0x5C { line.removeLast() }
                if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
                var rule = Rule(pattern: line, negated: false, directoryOnly: false, anchored: false)
                if rule.pattern.first == UInt8(ascii: "!") { rule.negated = true; rule.pattern.removeFirst() }
                if rule.pattern.first == 0x5C, [UInt8(ascii: "#"), UInt8(ascii: "!")].contains(rule.pattern.dropFirst().first ?? 0) {
                    rule.pattern.removeFirst()
                }
                if rule.pattern.last == UInt8(ascii: "/") { rule.directoryOnly = true; rule.pattern.removeLast() }
                if rule.pattern.contains(UInt8(ascii: "/")) { rule.anchored = true }
                if rule.pattern.first == UInt8(ascii: "/") { rule.pattern.removeFirst() }
                if rule.pattern.starts(with: "**/".utf8) { rule.pattern.removeFirst(3); rule.anchored = rule.pattern.contains(UInt8(ascii: "/")) }
                if !rule.pattern.isEmpty { parsed.append(rule) }
            }
        }
        rules[directory] = parsed
        return parsed
    }

    /// Glob match with pathname semantics: `*` and `?` stop at `/`, `**` between slashes
    /// spans directories, `[…]` classes (`!`/`^` negates), `\` escapes. Memoised by position,
    /// so a pattern full of stars (a `.gitignore` is repository content, untrusted) stays
    /// polynomial.
    static func match(_ pattern: ArraySlice<UInt8>, _ subject: ArraySlice<UInt8>) -> Bool {
        let p = Array(pattern), s = Array(subject)
        var memo: [Int: Bool] = [:]
        func at(_ pi: Int, _ si: Int) -> Bool {
            let key = pi * (s.count + 1) + si
            if let known = memo[key] { return known }
            let result = step(pi, si)
            memo[key] = result
            return result
        }
        func step(_ pi: Int, _ si: Int) -> Bool {
            guard pi < p.count else { return si == s.count }
            switch p[pi] {
            case UInt8(ascii: "*"):
                if pi + 1 < p.count, p[pi + 1] == UInt8(ascii: "*") {
                    // `**/` matches zero or more directories; a trailing `**` everything below.
                    var rest = pi + 2
                    if rest < p.count, p[rest] == UInt8(ascii: "/") { rest += 1 }
                    if rest == p.count { return true }
                    var i = si
                    while true {
                        if at(rest, i) { return true }
                        guard let slash = s[i...].firstIndex(of: UInt8(ascii: "/")) else { return false }
                        i = slash + 1
                    }
                }
                var i = si
                while true {
                    if at(pi + 1, i) { return true }
                    guard i < s.count, s[i] != UInt8(ascii: "/") else { return false }
                    i += 1
                }
            case UInt8(ascii: "?"):
                guard si < s.count, s[si] != UInt8(ascii: "/") else { return false }
                return at(pi + 1, si + 1)
            case UInt8(ascii: "["):
                guard si < s.count, s[si] != UInt8(ascii: "/") else { return false }
                let c = s[si]
                var i = pi + 1
                var negate = false
                if i < p.count, p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^") { negate = true; i += 1 }
                var matched = false
                var first = true
                while i < p.count, p[i] != UInt8(ascii: "]") || first {
                    first = false
                    if i + 2 < p.count, p[i + 1] == UInt8(ascii: "-"), p[i + 2] != UInt8(ascii: "]") {
                        if p[i] <= c && c <= p[i + 2] { matched = true }
                        i += 3
                    } else {
                        if p[i] == c { matched = true }
                        i += 1
                    }
                }
                // An unclosed `[` is a literal character.
                guard i < p.count else { return c == UInt8(ascii: "[") && at(pi + 1, si + 1) }
                return matched != negate && at(i + 1, si + 1)
            case 0x5C:
                guard pi + 1 < p.count, si < s.count, s[si] == p[pi + 1] else { return false }
                return at(pi + 2, si + 1)
            default:
                guard si < s.count, s[si] == p[pi] else { return false }
                return at(pi + 1, si + 1)
            }
        }
        return at(0, 0)
    }
}
