import ToolSemantics

/// The file commands replay follows, with GNU coreutils' semantics: `rm`, `rmdir`, `mkdir`,
/// `touch`, `chmod`, `mv`, `cp`. Git keeps no empty directories, so the directories a command
/// makes or leaves empty are kept beside the tree (`ShellView.directories`).
extension ShellRun {
    /// Options read GNU's way (options may follow operands until `--`).
    struct Options {
        var flags: Set<Character> = []
        var values: [Character: String] = [:]
        var operands: [String] = []
    }

    /// Reads `args`: `flags` take no value, `valued` do (`-t DIR`, `-tDIR`); `long` maps long
    /// names to their short letter. Nil (noted) for an option replay does not follow.
    mutating func options(_ name: String, _ args: [String], flags: String, valued: String = "", long: [String: Character] = [:]) -> Options? {
        var o = Options()
        var k = 0
        var done = false
        while k < args.count {
            let a = args[k]
            k += 1
            if done || !a.hasPrefix("-") || a == "-" { o.operands.append(a); continue }
            if a == "--" { done = true; continue }
            if a.hasPrefix("--") {
                let parts = a.split(separator: "=", maxSplits: 1).map(String.init)
                guard let letter = long[parts[0]] else {
                    result.unknown.append("`\(name) \(parts[0])` is not followed")
                    return nil
                }
                if valued.contains(letter) {
                    if parts.count == 2 { o.values[letter] = parts[1] } else if k < args.count { o.values[letter] = args[k]; k += 1 }
                } else {
                    o.flags.insert(letter)
                }
                continue
            }
            var letters = Array(a.dropFirst())
            while !letters.isEmpty {
                let f = letters.removeFirst()
                if valued.contains(f) {
                    if !letters.isEmpty { o.values[f] = String(letters); letters = [] } else if k < args.count { o.values[f] = args[k]; k += 1 }
                } else if flags.contains(f) {
                    o.flags.insert(f)
                } else {
                    result.unknown.append("`\(name) -\(f)` is not followed")
                    return nil
                }
            }
        }
        return o
    }

    static func and(_ a: Bool?, _ b: Bool?) -> Bool? {
        if a == false || b == false { return false }
        if a == nil || b == nil { return nil }
        return true
    }

    /// The last component of a path as written, nil for `/`, `.`, `..`.
    static func basename(_ word: String) -> String? {
        // Bytes: a `/` and a combining mark after it are one `Character`.
        var w = Substring(word).utf8
        let slash = UInt8(ascii: "/")
        while w.count > 1, w.last == slash { w = w.dropLast() }
        guard let bytes = w.split(separator: slash).last else { return nil }
        let last = String(decoding: bytes, as: UTF8.self)
        return last == "." || last == ".." ? nil : last
    }

    mutating func files(_ name: String, _ args: [String], assumeSuccess: Bool) throws -> ShellCommandResult {
        var status: Bool? = true
        var verbose = false
        switch name {
        case "rm":
            guard
                let o = options(
                    "rm", args, flags: "fFrRdvP",
                    long: [
                        "--force": "f", "--recursive": "r", "--dir": "d", "--verbose": "v", "--preserve-root": "P",
                        "--no-preserve-root": "P", "--one-file-system": "P",
                    ])
            else { return .unknown }
            verbose = o.flags.contains("v")
            for operand in o.operands {
                status = Self.and(
                    status,
                    try rm(
                        operand, recursive: o.flags.contains("r") || o.flags.contains("R"),
                        force: o.flags.contains("f"), emptyDirectories: o.flags.contains("d")))
            }
            if o.operands.isEmpty && !o.flags.contains("f") { status = false }
        case "rmdir":
            guard let o = options("rmdir", args, flags: "pvI", long: ["--parents": "p", "--verbose": "v", "--ignore-fail-on-non-empty": "I"]) else {
                return .unknown
            }
            verbose = o.flags.contains("v")
            for operand in o.operands {
                guard case .repo(let p) = locate(operand) else { status = false; continue }
                var chain = [p]
                if o.flags.contains("p") { chain += p.parents.reversed().map { RepoPath(unchecked: $0) } }
                for d in chain {
                    guard try view.node(d) == .directory, try view.children(d).isEmpty else { status = false; break }
                    try view.removeDirectory(d)
                }
            }
        case "mkdir":
            guard let o = options("mkdir", args, flags: "pv", valued: "m", long: ["--parents": "p", "--verbose": "v", "--mode": "m"]) else {
                return .unknown
            }
            verbose = o.flags.contains("v")
            for operand in o.operands {
                status = Self.and(status, try mkdir(operand, parents: o.flags.contains("p"), assumeSuccess: assumeSuccess))
            }
        case "touch":
            guard
                let o = options(
                    "touch", args, flags: "acmhf", valued: "dtr",
                    long: [
                        "--no-create": "c", "--date": "d", "--reference": "r", "--no-dereference": "h", "--time": "T",
                    ])
            else { return .unknown }
            for operand in o.operands {
                status = Self.and(status, try touch(operand, create: !o.flags.contains("c"), assumeSuccess: assumeSuccess))
            }
        case "chmod":
            return try chmod(args)
        case "mv", "cp":
            let move = name == "mv"
            let o: Options?
            if move {
                o = options(
                    "mv", args, flags: "fnvT", valued: "t",
                    long: [
                        "--force": "f", "--no-clobber": "n", "--verbose": "v", "--no-target-directory": "T", "--target-directory": "t",
                    ])
            } else {
                o = options(
                    "cp", args, flags: "rRapfnvTLPHd", valued: "t",
                    long: [
                        "--recursive": "r", "--archive": "a", "--force": "f", "--no-clobber": "n", "--verbose": "v",
                        "--no-target-directory": "T", "--target-directory": "t", "--dereference": "L", "--no-dereference": "P",
                        "--preserve": "p",
                    ])
            }
            guard let o else { return .unknown }
            verbose = o.flags.contains("v")
            status = try transfer(move: move, o, assumeSuccess: assumeSuccess)
        default:
            return .unknown
        }
        return ShellCommandResult(status: status, stdout: verbose ? .unknown : .known([]))
    }

    // MARK: rm, mkdir, touch

    mutating func rm(_ operand: String, recursive: Bool, force: Bool, emptyDirectories: Bool) throws -> Bool? {
        if Self.basename(operand) == nil { return false }  // rm refuses `.`, `..` and `/`
        let location = locate(operand)
        guard case .repo(let p) = location else {
            if location == .root {
                result.unknown.append("`rm` removes the repository's root")
                return nil
            }
            return outsideSandbox(location, "`rm` removes") ? true : nil
        }
        switch try view.node(p) {
        case .absent:
            return force
        case .file:
            try delete(p)
            return true
        case .symlink, .submodule:
            result.unknown.append("`rm` removes \(p.value), a symlink or submodule of the tree: not replayed")
            return nil
        case .directory:
            if recursive {
                try removeTree(p)
                return true
            }
            if emptyDirectories, try view.children(p).isEmpty {
                try view.removeDirectory(p)
                return true
            }
            return false
        }
    }

    /// Removes a directory and every file below it.
    mutating func removeTree(_ p: RepoPath) throws {
        for entry in try view.walk(p) {
            if case .file = entry.node {
                try delete(entry.path)
            } else {
                result.unknown.append("`rm -r` removes \(entry.path.value), a symlink or submodule of the tree: not replayed")
            }
        }
        try view.removeDirectory(p)
    }

    mutating func mkdir(_ operand: String, parents: Bool, assumeSuccess: Bool) throws -> Bool {
        switch locate(operand) {
        case .root:
            return parents
        case .repo(let p):
            if parents {
                for d in p.parents.map({ RepoPath(unchecked: $0) }) + [p] {
                    switch try view.node(d) {
                    case .directory: continue
                    case .absent: view.makeDirectory(d)
                    default: return false
                    }
                }
                return true
            }
            guard try view.node(p) == .absent else { return false }
            if let parent = p.parents.last, try view.node(RepoPath(unchecked: parent)) != .directory, !assumeSuccess { return false }
            view.makeDirectory(p)
            return true
        default:
            return true  // an empty directory elsewhere: no file to write
        }
    }

    mutating func touch(_ operand: String, create: Bool, assumeSuccess: Bool) throws -> Bool? {
        let location = locate(operand)
        guard case .repo(let p) = location else {
            if location == .root { return true }
            return outsideSandbox(location, "`touch`") ? true : nil
        }
        guard try view.node(p) == .absent else { return true }  // only the time changes
        guard create else { return true }
        if let parent = p.parents.last, try view.node(RepoPath(unchecked: parent)) != .directory, !assumeSuccess {
            result.missing.append("`touch \(operand)`: replay has no directory \(parent)")
            return false
        }
        try write(p, [], executable: false, literal: true)
        return true
    }

    // MARK: chmod

    mutating func chmod(_ args: [String]) throws -> ShellCommandResult {
        var mode: ((Bool) -> Bool)?
        var files: [String] = []
        for a in args {
            if ["-v", "-c", "-f", "--verbose", "--changes", "--silent", "--quiet", "--"].contains(a) { continue }
            if mode == nil {
                guard let m = Self.mode(a) else {
                    result.unknown.append("`chmod \(a)` is not followed")
                    return .unknown
                }
                mode = m
                continue
            }
            files.append(a)
        }
        guard let mode, !files.isEmpty else { return ShellCommandResult(status: false, stdout: .known([])) }
        var status: Bool? = true
        for f in files {
            let location = locate(f)
            guard case .repo(let p) = location else {
                if location != .root, !outsideSandbox(location, "`chmod`") { status = nil }
                continue
            }
            switch try view.node(p) {
            case .file(let x):
                let now = mode(x)
                if now != x { try write(p, try view.read(p) ?? [], executable: now, literal: false) }
            case .directory:
                continue
            case .absent:
                status = false
            case .symlink, .submodule:
                result.unknown.append("`chmod` of \(p.value), a symlink or submodule of the tree: not replayed")
                status = nil
            }
        }
        return ShellCommandResult(status: status, stdout: .known([]))
    }

    /// What a chmod mode does to the owner's execute bit (the only bit git keeps); nil for a
    /// mode replay does not read.
    static func mode(_ text: String) -> ((Bool) -> Bool)? {
        // Bytes: `("0"..."7").contains` of a `Character` holds for `5` with a combining accent,
        // which chmod refuses.
        let octal = Array(text.utf8)
        if !octal.isEmpty, octal.count <= 4, octal.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "7")).contains($0) }) {
            let x = octal.count >= 3 && octal[octal.count - 3] & 1 == 1
            return { _ in x }
        }
        var clauses: [(owner: Bool, op: Character, x: Bool, keep: Bool)] = []
        for clause in text.split(separator: ",", omittingEmptySubsequences: false) {
            var c = Substring(clause)
            var who = ""
            while let f = c.first, "ugoa".contains(f) { who.append(f); c = c.dropFirst() }
            let owner = who.isEmpty || who.contains("u") || who.contains("a")
            guard !c.isEmpty else { return nil }
            while let op = c.first, "+-=".contains(op) {
                c = c.dropFirst()
                var perms = ""
                while let p = c.first, "rwxXst".contains(p) { perms.append(p); c = c.dropFirst() }
                clauses.append((owner, op, perms.contains("x"), perms.contains("X")))
            }
            guard c.isEmpty else { return nil }
        }
        if clauses.isEmpty { return nil }
        return { start in
            var x = start
            for c in clauses where c.owner {
                let sets = c.x || (c.keep && x)
                switch c.op {
                case "+": if sets { x = true }
                case "-": if c.x { x = false }
                default: x = sets
                }
            }
            return x
        }
    }

    // MARK: mv, cp

    mutating func transfer(move: Bool, _ o: Options, assumeSuccess: Bool) throws -> Bool? {
        let name = move ? "mv" : "cp"
        var sources = o.operands
        let target: String
        if let t = o.values["t"] {
            target = t
        } else {
            guard sources.count >= 2 else { return false }
            target = sources.removeLast()
        }
        let noTarget = o.flags.contains("T")
        let many = sources.count > 1 || o.values["t"] != nil
        let targetLocation = locate(target)
        var into: Bool
        switch targetLocation {
        case .root:
            into = true
        case .repo(let p):
            let node = try view.node(p)
            into = !noTarget && node == .directory
            if !into, !noTarget, node == .absent, many || target.hasSuffix("/") {
                // The recording moved into a directory here that replay does not have (git
                // cannot hold empty ones); a single directory with `dir/` is renamed.
                let singleDirectory =
                    !many
                    && (sources.first.map { locate($0) }.flatMap { l -> RepoPath? in if case .repo(let s) = l { return s } else { return nil } }
                        .map { (try? view.node($0)) == .directory } ?? false)
                if !singleDirectory {
                    if assumeSuccess {
                        into = true
                    } else {
                        result.missing.append("`\(name)` into \(p.value)/: replay has no such directory")
                        return false
                    }
                }
            }
        default:
            into = !noTarget && (many || target.hasSuffix("/"))
        }
        if many && !into { return false }  // "target is not a directory"
        var status: Bool? = true
        for source in sources {
            guard let base = Self.basename(source) else { status = false; continue }
            if !move, into, source.hasSuffix("/"), case .repo(let s) = locate(source), try view.node(s) == .directory {
                // GNU copies the directory into the target, BSD its contents: replay cannot tell which ran.
                result.unknown.append("`cp -r \(source)` into an existing directory (GNU and BSD cp differ)")
                status = nil
                continue
            }
            let destination = into ? (target.hasSuffix("/") ? target + base : target + "/" + base) : target
            status = Self.and(status, try transferOne(source, destination, move: move, o, assumeSuccess: assumeSuccess))
        }
        return status
    }

    mutating func transferOne(_ source: String, _ destination: String, move: Bool, _ o: Options, assumeSuccess: Bool) throws -> Bool? {
        let name = move ? "mv" : "cp"
        let s = locate(source), d = locate(destination)
        guard case .repo(let sp) = s else {
            if case .repo(let dp) = d {
                result.unknown.append("`\(name)` brings \(source), from outside the repo, to \(dp.value)")
                return nil
            }
            return outsideSandbox(s, "`\(name)` from") ? true : nil
        }
        let sourceNode = try view.node(sp)
        let recursive = move || o.flags.contains("r") || o.flags.contains("R") || o.flags.contains("a")
        let preserve = move || o.flags.contains("p") || o.flags.contains("a")
        switch sourceNode {
        case .absent:
            result.missing.append("`\(name) \(source)`: replay has no \(sp.value)")
            return false
        case .symlink, .submodule:
            result.unknown.append("`\(name)` of \(sp.value), a symlink or submodule of the tree: not replayed")
            return nil
        case .directory where !recursive:
            return false  // cp: omitting directory
        default:
            break
        }
        guard case .repo(let dp) = d else {
            if d == .root { return false }
            // Moved out of the sandbox: gone from the repo; what it became there is not replayed.
            if move {
                if sourceNode == .directory { try removeTree(sp) } else { try delete(sp) }
            }
            _ = outsideSandbox(d, "`\(name)` to")
            return true
        }
        if dp == sp || RepoPath.isBelow(dp.value, sp.value) { return false }
        let destinationNode = try view.node(dp)
        if destinationNode == .symlink || destinationNode == .submodule {
            result.unknown.append("`\(name)` onto \(dp.value), a symlink or submodule of the tree: not replayed")
            return nil
        }
        if o.flags.contains("n"), destinationNode != .absent { return true }
        if destinationNode == .absent, let parent = dp.parents.last, try view.node(RepoPath(unchecked: parent)) != .directory, !assumeSuccess {
            result.missing.append("`\(name)` to \(dp.value): replay has no directory \(parent)")
            return false
        }
        if case .file(let x) = sourceNode {
            if destinationNode == .directory { return false }
            let executable = preserve || destinationNode == .absent ? x : Self.executable(destinationNode)
            try write(dp, try view.read(sp) ?? [], executable: executable, literal: false)
            if move { try delete(sp) }
            return true
        }
        // A directory.
        switch destinationNode {
        case .file: return false
        case .directory:
            if move, try !view.children(dp).isEmpty { return false }  // "Directory not empty"
        default: break
        }
        let prefix = sp.value + "/"
        // Sorted: made in a set's order, which differs between instances, the names of the
        // view would depend on it (see `ShellView.init`).
        let emptyBelow = view.directories.filter { RepoPath.isBelow($0.value, sp.value) }.sorted()
        for entry in try view.walk(sp) {
            guard case .file(let x) = entry.node else {
                result.unknown.append("`\(name)` of \(entry.path.value), a symlink or submodule of the tree: not replayed")
                continue
            }
            guard case .success(let to) = RepoPath.relative(dp.value + "/" + entry.relative) else {
                result.notReplayed.append("`\(name)` to \(dp.value)/\(entry.relative): refused by the sandbox, not replayed")
                continue
            }
            try write(to, try view.read(entry.path) ?? [], executable: x, literal: false)
            if move { try delete(entry.path) }
        }
        view.makeDirectory(dp)
        for d in emptyBelow {
            let below = String(decoding: d.value.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)  // bytes, as `isBelow` tested
            if case .success(let to) = RepoPath.relative(dp.value + "/" + below) { view.makeDirectory(to) }
        }
        if move { try view.removeDirectory(sp) }
        return true
    }
}
