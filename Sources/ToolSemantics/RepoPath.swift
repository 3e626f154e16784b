import Foundation
import Trace

/// A path inside the repository: relative, `/`-separated, normalised, never empty, never
/// escaping the root, never inside `.git`. The only way to make one is `RepoPath.map`, which
/// is where the sandbox rule "nothing outside the repo, nothing into .git" is enforced.
public struct RepoPath: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: String
    public var description: String { value }

    public static func < (a: RepoPath, b: RepoPath) -> Bool { a.value.utf8.lexicographicallyPrecedes(b.value.utf8) }

    /// Equal by bytes, as git compares paths: `String`'s `==` holds `café` precomposed and
    /// with a combining accent equal, which would make two files one.
    public static func == (a: RepoPath, b: RepoPath) -> Bool {
        let x = a.value.utf8, y = b.value.utf8
        let equal = x.withContiguousStorageIfAvailable { p in
            y.withContiguousStorageIfAvailable { q in
                p.count == q.count && (p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0)
            }
        }
        return (equal ?? nil) ?? x.elementsEqual(y)
    }

    public func hash(into hasher: inout Hasher) {
        let bytes = value.utf8
        if bytes.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            for byte in bytes { hasher.combine(byte) }
        }
    }

    /// Why a recorded path cannot be replayed.
    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        /// Outside the recorded repo root (or no root is known to map an absolute path).
        case outsideRepo(String)
        /// Inside a `.git` directory (any case).
        case gitDirectory(String)
        /// Contains a NUL byte or is otherwise not a usable path.
        case invalid(String, reason: String)

        public var description: String {
            switch self {
            case .outsideRepo(let p): return "outside the repo: \(Self.quote(p))"
            case .gitDirectory(let p): return "inside .git: \(Self.quote(p))"
            case .invalid(let p, let reason): return "\(reason): \(Self.quote(p))"
            }
        }

        package static func quote(_ p: String) -> String {
            let escaped = p.unicodeScalars.map { $0.value < 0x20 ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
            return "\"" + (escaped.count > 200 ? String(escaped.prefix(200)) + "…" : escaped) + "\""
        }
    }

    package init(unchecked value: String) { self.value = value }

    /// Maps a recorded path (absolute, or relative to `workingDirectory`, else to the root)
    /// into the repository whose recorded root is `root`.
    /// A path deeper than `ReplayLimits.pathDepth` components is `invalid`: what works on
    /// trees and paths (tree edits, parents, walks) then has a documented bound.
    public static func map(_ recorded: String, root: String?, workingDirectory: String? = nil) -> Result<RepoPath, Refusal> {
        let mapped =
            underPlainRoot(recorded, root: root).map { .success($0) }
            ?? mapInGeneral(recorded, root: root, workingDirectory: workingDirectory)
        guard case .success(let path) = mapped else { return mapped }
        let limit = ReplayLimits.current.pathDepth
        var value = path.value
        let depth = value.withUTF8 { bytes in
            var n = 1
            for byte in bytes where byte == UInt8(ascii: "/") { n += 1 }
            return n
        }
        if depth > limit {
            return .failure(
                .invalid(
                    recorded,
                    reason: "a path \(depth) components deep, over the limit of \(limit) (\(ReplayLimits.Variable.pathDepth.rawValue) raises it)"))
        }
        return mapped
    }

    /// `map` for any path: components split, `.` and `..` resolved, Windows forms read.
    static func mapInGeneral(_ recorded: String, root: String?, workingDirectory: String?) -> Result<RepoPath, Refusal> {
        if recorded.utf8.contains(0) { return .failure(.invalid(recorded, reason: "NUL byte in path")) }
        if recorded.isEmpty { return .failure(.invalid(recorded, reason: "empty path")) }
        let windows = [recorded, root ?? "", workingDirectory ?? ""].contains(where: isWindowsPath)
        let recorded = windows ? posix(recorded) : recorded
        let root = windows ? root.map(posix) : root
        let workingDirectory = windows ? workingDirectory.map(posix) : workingDirectory
        let rootComponents = root.map { normalise(components($0)) } ?? nil
        var absolute: [String]
        if isAbsolute(recorded) {
            guard let rootComponents else { return .failure(.outsideRepo(recorded)) }
            guard let n = normalise(components(recorded)) else { return .failure(.outsideRepo(recorded)) }
            guard n.count > rootComponents.count, sameBytes(n.prefix(rootComponents.count), rootComponents) else {
                return .failure(.outsideRepo(recorded))
            }
            absolute = Array(n.dropFirst(rootComponents.count))
        } else {
            // Relative: against the working directory when it lies in the repo, else the root.
            var base: [String] = []
            if let wd = workingDirectory, let rootComponents, let w = normalise(components(wd)),
                w.count >= rootComponents.count, sameBytes(w.prefix(rootComponents.count), rootComponents)
            {
                base = Array(w.dropFirst(rootComponents.count))
            } else if let wd = workingDirectory, rootComponents != nil {
                return .failure(.outsideRepo(wd + "/" + recorded))
            }
            guard let n = normalise(base + components(recorded)) else { return .failure(.outsideRepo(recorded)) }
            absolute = n
        }
        if absolute.isEmpty { return .failure(.invalid(recorded, reason: "the repo root itself, not a file")) }
        if absolute.contains(where: isGitDirectoryName) { return .failure(.gitDirectory(recorded)) }
        return .success(RepoPath(unchecked: absolute.joined(separator: "/")))
    }

    /// The common case answered without splitting anything: an absolute `recorded` that is
    /// `root`, a `/` and a plain relative path (components neither empty, `.`, `..` nor git's
    /// directory; no backslash or NUL), under a plain absolute `root` (no backslash, empty,
    /// `.` or `..` component, no trailing `/`). Anything else is nil, and `map` takes its
    /// general road (which gives the same answer for these).
    static func underPlainRoot(_ recorded: String, root: String?) -> RepoPath? {
        guard var root, var recorded = Optional(recorded) else { return nil }
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        // Each component of `bytes` (split at `/`): not empty, `.` or `..`; no `\` or NUL.
        func plain(_ bytes: UnsafeBufferPointer<UInt8>, checkGit: Bool) -> Bool {
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != slash {
                    if bytes[end] == 0x5C || bytes[end] == 0 { return false }
                    end += 1
                }
                let n = end - start
                if n == 0 || (n == 1 && bytes[start] == dot) || (n == 2 && bytes[start] == dot && bytes[start + 1] == dot) { return false }
                if checkGit, bytes[start] == dot || bytes[start] | 0x20 == UInt8(ascii: "g") || bytes[start] >= 0x80,
                    isGitDirectoryName(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
                {
                    return false
                }
                start = end + 1
            }
            return true
        }
        return root.withUTF8 { r -> RepoPath? in
            guard r.count >= 2, r[0] == slash, plain(UnsafeBufferPointer(rebasing: r[1...]), checkGit: false) else { return nil }
            return recorded.withUTF8 { p -> RepoPath? in
                guard p.count > r.count + 1, p[r.count] == slash, memcmp(p.baseAddress!, r.baseAddress!, r.count) == 0 else { return nil }
                let rest = UnsafeBufferPointer(rebasing: p[(r.count + 1)...])
                guard plain(rest, checkGit: true) else { return nil }
                return RepoPath(unchecked: String(decoding: rest, as: UTF8.self))
            }
        }
    }

    /// A repo-relative path given by the user or a test (`Sources/x.swift`).
    public static func relative(_ path: String) -> Result<RepoPath, Refusal> {
        if isAbsolute(path) { return .failure(.outsideRepo(path)) }
        return map(path, root: nil)
    }

    /// Whether a path was recorded on Windows: a drive (`C:\\`, `C:/`) or backslashes.
    package static func isWindowsPath(_ p: String) -> Bool {
        if p.utf8.contains(0x5C) { return true }
        let b = Array(p.utf8.prefix(3))
        let drive =
            b.count == 3 && ((b[0] | 0x20) >= 0x61 && (b[0] | 0x20) <= 0x7A) && b[1] == UInt8(ascii: ":")
            && (b[2] == UInt8(ascii: "\\") || b[2] == UInt8(ascii: "/"))
        return drive
    }

    /// A Windows path in POSIX form: `\\` as `/`, and a drive `C:` as a first component
    /// (`/C:/Users/…`), so roots and paths recorded on Windows map like any other.
    package static func posix(_ p: String) -> String {
        var s = p.replacingOccurrences(of: "\\", with: "/")
        if isWindowsPath(p), s.utf8.count >= 2, Array(s.utf8)[1] == UInt8(ascii: ":") {
            s = "/" + s.prefix(1).uppercased() + s.dropFirst()
        }
        return s
    }

    /// Whether a path component names git's directory on some file system: `.git` in any
    /// case, with trailing dots or spaces or an NTFS stream (`.git.`, `.git::$INDEX_ALLOCATION`),
    /// its NTFS short name (`GIT~1`), or with the code points HFS+ ignores (`.g\u{200C}it`).
    static func isGitDirectoryName(_ component: String) -> Bool {
        // Fast path: an ASCII name that does not start like ".git" or "git~1" is none of them.
        if let first = component.utf8.first, first != UInt8(ascii: "."), first | 0x20 != UInt8(ascii: "g"),
            component.utf8.allSatisfy({ $0 < 0x80 })
        {
            return false
        }
        let ignorable: [ClosedRange<UInt32>] = [0x200B...0x200F, 0x202A...0x202E, 0x206A...0x206F, 0xFEFF...0xFEFF]
        var name = String(
            String.UnicodeScalarView(
                component.unicodeScalars.filter { scalar in
                    !ignorable.contains { $0.contains(scalar.value) }
                })
        ).lowercased()
        if let colon = name.firstIndex(of: ":") { name = String(name[..<colon]) }
        while let last = name.last, last == "." || last == " " { name.removeLast() }
        return name == ".git" || name == "git~1"
    }

    /// Split at the byte `/`, not at the `Character` `/`: a `/` followed by a combining mark
    /// is one grapheme, so `../\u{301}x` split by characters was one component (no `..`,
    /// outside the repo unseen) and `.git/\u{301}x` was not in git's directory.
    package static func components(_ p: String) -> [String] {
        p.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether `p` starts with the byte `/` (`hasPrefix("/")` compares `Character`s, and a `/`
    /// followed by a combining mark is one: `/\u{301}x` was read as relative, inside the repo).
    package static func isAbsolute(_ p: String) -> Bool { p.utf8.first == UInt8(ascii: "/") }

    /// Whether `path` is `directory` or below it, by bytes.
    package static func isBelow(_ path: String, _ directory: String) -> Bool {
        path.utf8.count > directory.utf8.count && path.utf8.starts(with: directory.utf8)
            && path.utf8.dropFirst(directory.utf8.count).first == UInt8(ascii: "/")
    }

    /// Whether two lists of components are the same bytes: `==` on strings is Unicode
    /// canonical equivalence, under which `/r/e\u{301}` (another directory on disk) was the
    /// root `/r/\u{E9}`.
    package static func sameBytes(_ a: some Collection<String>, _ b: some Collection<String>) -> Bool {
        a.elementsEqual(b) { $0.utf8.elementsEqual($1.utf8) }
    }

    /// Resolves `.` and `..` lexically; nil when `..` climbs above the start.
    package static func normalise(_ parts: [String]) -> [String]? {
        var out: [String] = []
        for part in parts {
            switch part {
            case ".": continue
            case "..":
                guard !out.isEmpty else { return nil }
                out.removeLast()
            default: out.append(part)
            }
        }
        return out
    }

    /// The parent directories of this path, shortest first (`a`, `a/b` for `a/b/c`).
    public var parents: [String] {
        var out: [String] = []
        var acc = ""
        let parts = Self.components(value)
        for part in parts.dropLast() {
            acc = acc.isEmpty ? part : acc + "/" + part
            out.append(acc)
        }
        return out
    }
}
