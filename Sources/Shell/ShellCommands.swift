import ToolSemantics

/// What one simple command did: its exit status and what it printed.
struct ShellCommandResult: Equatable {
    var status: Bool?
    var stdout: ShellStream

    static let unknown = ShellCommandResult(status: nil, stdout: .unknown)
}

/// Where a command's output goes.
enum ShellSink: Equatable {
    case terminal
    case discard
    case file(RepoPath, append: Bool)
    /// Outside the sandbox or unknown: already noted.
    case elsewhere
}

extension ShellRun {
    /// Programs whose output (and silence on standard error when they succeed) replay knows.
    static let computed: Set<String> = [
        "", "echo", "printf", "cat", "sed", "tee", "true", "false", ":", "rm", "rmdir", "mkdir", "touch", "chmod",
        "mv", "cp", "cd", "exit", "set",
    ]

    static let interpreters: Set<String> = [
        "bash", "sh", "zsh", "dash", "fish", "python", "python3", "node", "ruby", "perl", "deno", "bun", "php",
        "npx", "tsx", "ts-node", "source", ".", "eval", "exec", "sudo", "osascript",
    ]

    mutating func command(_ c: ShellCommand, stdin: ShellStream, assumeSuccess: Bool, inPipeline: Bool) throws -> ShellCommandResult {
        var words = c.words[...]
        // Wrappers that run the command after them as it is.
        while let first = words.first, first.expansion == nil, ["command", "builtin", "time", "env"].contains(first.text), words.count > 1 {
            if first.text == "command", words.dropFirst().first.map({ $0.text.hasPrefix("-") }) == true { break }
            if first.text == "env" {
                var rest = words.dropFirst()
                while let w = rest.first, ShellScript.isAssignment(w) { rest = rest.dropFirst() }
                if let w = rest.first, w.text.hasPrefix("-") {
                    result.unknown.append("`env \(w.text)` is not followed")
                    return .unknown
                }
                words = rest
                continue
            }
            words = words.dropFirst()
        }
        var name = ""
        if let first = words.first {
            if let e = first.expansion {
                result.unknown.append("`\(e)` as a command is not expanded by replay")
                return .unknown
            }
            name = first.text
            for prefix in ["/bin/", "/usr/bin/", "/usr/local/bin/", "/opt/homebrew/bin/"] where name.hasPrefix(prefix) {
                let base = String(name.dropFirst(prefix.count))
                if !base.contains("/") { name = base }
            }
        }
        let args = words.dropFirst()
        guard let io = try redirections(c.redirections, stdin: stdin, name: name.isEmpty ? "a redirection" : name, assumeSuccess: assumeSuccess)
        else {
            return .unknown
        }
        let computed = Self.computed.contains(name) || (name == "git" && Self.gitChanges(args))
        if computed {
            // `>` empties the file before the command runs.
            for sink in [io.out, io.err] {
                if case .file(let p, false) = sink, try view.node(p) != .directory {
                    try write(p, [], executable: Self.executable(try view.node(p)), literal: true)
                }
            }
        }
        var outcome = try program(name, args, stdin: io.input, assumeSuccess: assumeSuccess, inPipeline: inPipeline)
        let stderr: ShellStream = computed && outcome.status == true ? .known([]) : .unknown
        // Names a pattern expanded to come from the replayed tree, not the command line.
        let literal =
            (["echo", "printf", "", "true", ":"].contains(name) && !args.contains(where: \.isPattern))
            || (name == "cat" && args.isEmpty && io.hereDocument)
        let label = name.isEmpty ? "a redirection" : "`\(Self.display(c))`"
        if io.out == io.err, io.out != .terminal {
            let both: ShellStream
            switch (outcome.stdout, stderr) {
            case (.known(let a), .known(let b)): both = .known(a + b)
            default: both = .unknown
            }
            try deliver(both, to: io.out, literal: literal, label: label)
        } else {
            try deliver(outcome.stdout, to: io.out, literal: literal, label: label)
            try deliver(stderr, to: io.err, literal: literal, label: label)
        }
        if io.out != .terminal { outcome.stdout = .known([]) }  // nothing left for a pipe
        return ShellCommandResult(status: outcome.status, stdout: outcome.stdout)
    }

    static func executable(_ node: ShellNode) -> Bool {
        if case .file(let x) = node { return x }
        return false
    }

    /// `git mv` and `git rm` change files replay follows.
    static func gitChanges(_ args: ArraySlice<ShellWord>) -> Bool {
        let plain = args.map(\.text)
        guard let sub = plain.first(where: { !$0.hasPrefix("-") }) else { return false }
        return (sub == "mv" || sub == "rm") && !plain.contains("-C")
    }

    /// Writes what a command printed into the file it was redirected to.
    mutating func deliver(_ stream: ShellStream, to sink: ShellSink, literal: Bool, label: String) throws {
        guard case .file(let p, let append) = sink else { return }
        switch stream {
        case .known(let bytes):
            let node = try view.node(p)
            let before = append ? (try view.read(p) ?? []) : []
            if append && bytes.isEmpty && node != .absent { return }
            try write(p, before + bytes, executable: Self.executable(node), literal: literal && !append)
        case .unknown, .inherited:
            result.unknown.append("\(label) writes to \(p.value) what replay cannot tell")
        }
    }

    struct Redirected {
        var input: ShellStream
        var out = ShellSink.terminal
        var err = ShellSink.terminal
        var hereDocument = false
    }

    /// Sets up a command's redirections; nil when replay cannot follow them (noted).
    mutating func redirections(_ list: [ShellRedirection], stdin: ShellStream, name: String, assumeSuccess: Bool) throws -> Redirected? {
        var io = Redirected(input: stdin == .inherited ? .unknown : stdin)
        for r in list {
            switch r.op {
            case .hereDocument, .hereString:
                guard (r.fd ?? 0) == 0 else { continue }
                io.input = .known(Array((r.body ?? "").utf8))
                io.hereDocument = r.op == .hereDocument
            case .input:
                guard (r.fd ?? 0) == 0 else { continue }
                io.hereDocument = false
                guard r.target.expansion == nil else { io.input = .unknown; continue }
                if case .repo(let p) = locate(r.target.text), let bytes = try view.read(p) {
                    io.input = .known(bytes)
                } else {
                    io.input = .unknown
                }
            case .readWrite, .duplicateInput:
                result.unknown.append("`\(name)`: the redirection \(r.op.rawValue) is not followed")
                return nil
            case .duplicateOutput:
                let fd = r.fd ?? 1
                let sink: ShellSink
                switch r.target.text {
                case "1": sink = io.out
                case "2": sink = io.err
                case "-": sink = .discard
                default:
                    result.unknown.append("`\(name)`: the redirection >&\(r.target.text) is not followed")
                    return nil
                }
                if fd == 1 { io.out = sink } else if fd == 2 { io.err = sink } else { continue }
            case .output, .clobber, .append, .both, .bothAppend:
                let fd = r.fd ?? 1
                guard fd == 1 || fd == 2 || r.op == .both || r.op == .bothAppend else {
                    result.unknown.append("`\(name)`: a redirection of descriptor \(fd) is not followed")
                    return nil
                }
                let sink = try sink(r.target, append: r.op == .append || r.op == .bothAppend, name: name, assumeSuccess: assumeSuccess)
                if r.op == .both || r.op == .bothAppend {
                    io.out = sink
                    io.err = sink
                } else if fd == 1 {
                    io.out = sink
                } else {
                    io.err = sink
                }
            }
        }
        return io
    }

    mutating func sink(_ target: ShellWord, append: Bool, name: String, assumeSuccess: Bool) throws -> ShellSink {
        if let e = target.expansion {
            result.unknown.append("`\(name)` writes to `\(target.text)`: `\(e)` is not expanded by replay")
            return .elsewhere
        }
        if target.isPattern || target.hasBraces {
            result.unknown.append("`\(name)` writes to a pattern, `\(target.text)`")
            return .elsewhere
        }
        let location = locate(target.text)
        switch location {
        case .device:
            return .discard
        case .repo(let p):
            let parents = try p.parents.map { try view.node(RepoPath(unchecked: $0)) }
            switch parents.contains(where: { $0 == .symlink || $0 == .submodule }) ? .symlink : try view.node(p) {
            case .symlink, .submodule:
                result.unknown.append("`\(name)` writes through \(p.value), a symlink or submodule of the tree: not replayed")
                return .elsewhere
            case .directory:
                result.unknown.append("`\(name)` writes to \(p.value), a directory on replay")
                return .elsewhere
            case .file:
                return .file(p, append: append)
            case .absent:
                // The shell cannot create a file in a directory that does not exist.
                if let parent = p.parents.last, try view.node(RepoPath(unchecked: parent)) != .directory, !assumeSuccess {
                    result.missing.append("`\(name)` writes to \(p.value), but replay has no directory \(parent)")
                    return .elsewhere
                }
                return .file(p, append: append)
            }
        case .root:
            result.unknown.append("`\(name)` writes to the repository's root directory")
            return .elsewhere
        default:
            _ = outsideSandbox(location, "`\(name)` writes to")
            return .elsewhere
        }
    }

    // MARK: Programs

    /// Runs one program. Output is the program's standard output as far as replay knows it.
    mutating func program(_ name: String, _ args: ArraySlice<ShellWord>, stdin: ShellStream, assumeSuccess: Bool, inPipeline: Bool) throws
        -> ShellCommandResult
    {
        let plain = args.map(\.text)
        let expansions = args.contains { $0.expansion != nil }
        switch name {
        case "":
            return ShellCommandResult(status: true, stdout: .known([]))
        case "true", ":":
            return ShellCommandResult(status: true, stdout: .known([]))
        case "false":
            return ShellCommandResult(status: false, stdout: .known([]))
        case "cd":
            let status = inPipeline ? true : cd(args, assumeSuccess: assumeSuccess)
            return ShellCommandResult(status: status, stdout: .known([]))
        case "exit":
            if !inPipeline { exited = true }
            return ShellCommandResult(status: plain.first.map { $0 == "0" } ?? nil, stdout: .known([]))
        case "set":
            if !inPipeline {
                var k = 0
                while k < plain.count {
                    let a = plain[k]
                    if a == "-o" || a == "+o", k + 1 < plain.count {
                        if plain[k + 1] == "errexit" { errexit = a == "-o" }
                        k += 2
                        continue
                    }
                    if a.hasPrefix("-"), !a.hasPrefix("--"), a.contains("e") { errexit = true }
                    if a.hasPrefix("+"), a.contains("e") { errexit = false }
                    k += 1
                }
            }
            return ShellCommandResult(status: true, stdout: .known([]))
        case "echo", "printf":
            // The shell expands patterns before the builtin sees them (`echo *.txt` prints the
            // names, not the pattern); a brace or an expansion replay does not make leaves the
            // output unknown.
            guard !expansions, let words = try expandQuietly(args) else { return ShellCommandResult(status: true, stdout: .unknown) }
            if name == "echo" { return ShellCommandResult(status: true, stdout: Self.echo(words)) }
            return ShellCommandResult(status: true, stdout: try ShellPrintf.format(words).map { .known($0) } ?? .unknown)
        case "cat":
            return try cat(args, stdin: stdin)
        case "tee":
            return try tee(args, stdin: stdin)
        case "sed":
            return try sed(args, stdin: stdin)
        case "rm", "rmdir", "mkdir", "touch", "chmod", "mv", "cp":
            guard let words = try expand(args, for: name) else { return .unknown }
            return try files(name, words, assumeSuccess: assumeSuccess)
        case "git":
            return try git(args, assumeSuccess: assumeSuccess)
        default:
            if ShellReadOnly.check(name, plain) { return ShellCommandResult(status: nil, stdout: .unknown) }
            let shown = "`" + ([name] + plain.prefix(2)).joined(separator: " ") + (plain.count > 2 ? " …" : "") + "`"
            if name.contains("/") {
                result.unknown.append("\(shown) runs a program replay does not follow")
            } else if Self.interpreters.contains(name) {
                result.unknown.append("\(shown) runs a script replay does not follow")
            } else {
                result.unknown.append("\(shown) is not a command replay follows")
            }
            return .unknown
        }
    }

    /// `cd`: the working directory for the rest of the list; its exit status.
    mutating func cd(_ args: ArraySlice<ShellWord>, assumeSuccess: Bool) -> Bool? {
        let operands = args.filter { !($0.text == "-L" || $0.text == "-P" || $0.text == "-e" || $0.text == "--") }
        guard let target = operands.first, target.expansion == nil, target.text != "-" else {
            directory = nil  // $HOME, $OLDPWD, a variable: lost
            return nil
        }
        guard let path = absolute(target.text) else { directory = nil; return nil }
        switch locate(target.text) {
        case .root, .outside:
            directory = path
            return true
        case .repo(let p):
            if (try? view.node(p)) == .directory || assumeSuccess {
                directory = path
                return true
            }
            return false
        default:
            directory = nil
            return nil
        }
    }

    /// `echo`'s output, as bash and zsh agree on it; unknown where they differ (backslashes).
    static func echo(_ args: [String]) -> ShellStream {
        var newline = true
        var rest = args[...]
        while let a = rest.first, a.count > 1, a.hasPrefix("-"), a.dropFirst().allSatisfy({ "neE".contains($0) }) {
            if a.contains("n") { newline = false }
            if a.contains("e") { return .unknown }
            rest = rest.dropFirst()
        }
        let text = rest.joined(separator: " ")
        if text.contains("\\") { return .unknown }
        return .known(Array((text + (newline ? "\n" : "")).utf8))
    }

    mutating func cat(_ args: ArraySlice<ShellWord>, stdin: ShellStream) throws -> ShellCommandResult {
        if args.contains(where: { $0.text.hasPrefix("-") && $0.text != "-" }) || args.contains(where: { $0.expansion != nil || $0.hasBraces }) {
            return ShellCommandResult(status: nil, stdout: .unknown)
        }
        var words: [String] = []
        for w in args {
            guard let expanded = try ShellGlob.expand(w, locate: { locate($0) }, view: view) else {
                return ShellCommandResult(status: nil, stdout: .unknown)
            }
            words += expanded
        }
        if words.isEmpty { return ShellCommandResult(status: stdin == .unknown ? nil : true, stdout: stdin) }
        var out: [UInt8] = []
        for w in words {
            let bytes: [UInt8]
            if w == "-" {
                guard case .known(let b) = stdin else { return ShellCommandResult(status: nil, stdout: .unknown) }
                bytes = b
            } else {
                guard case .repo(let p) = locate(w), let b = try view.read(p) else {
                    return ShellCommandResult(status: nil, stdout: .unknown)
                }
                bytes = b
            }
            // What replay holds of a command's output is bounded as a file is (`cat a a a …`).
            try ReplayLimits.current.checkFile("the output of `cat`", size: out.count + bytes.count)
            out += bytes
        }
        return ShellCommandResult(status: true, stdout: .known(out))
    }

    mutating func tee(_ args: ArraySlice<ShellWord>, stdin: ShellStream) throws -> ShellCommandResult {
        var append = false
        var files: [ShellWord] = []
        for w in args {
            if w.text.hasPrefix("-"), w.text.count > 1, files.isEmpty {
                guard w.text.dropFirst().allSatisfy({ "aip".contains($0) }) else {
                    result.unknown.append("`tee \(w.text)` is not followed")
                    return .unknown
                }
                if w.text.contains("a") { append = true }
                continue
            }
            files.append(w)
        }
        for f in files {
            let sink = try sink(f, append: append, name: "tee", assumeSuccess: false)
            guard case .file(let p, _) = sink else { continue }
            if !append, try view.node(p) == .absent { try write(p, [], executable: false, literal: true) }
            try deliver(stdin == .inherited ? .unknown : stdin, to: sink, literal: false, label: "`tee`")
        }
        return ShellCommandResult(status: stdin == .unknown ? nil : true, stdout: stdin == .inherited ? .unknown : stdin)
    }

    mutating func sed(_ args: ArraySlice<ShellWord>, stdin: ShellStream) throws -> ShellCommandResult {
        // The shell expands the words before sed reads them.
        guard let plain = try expandQuietly(args) else {
            let raw = args.map(\.text)
            if raw.contains(where: { $0.hasPrefix("-i") || $0.hasPrefix("--in-place") }) {
                result.unknown.append("`sed -i`: words replay cannot expand")
                return .unknown
            }
            return ShellCommandResult(status: nil, stdout: .unknown)
        }
        let invocation: ShellSed.Invocation
        switch ShellSed.invocation(plain) {
        case .failure(let u):
            result.unknown.append("`sed`: \(u.reason)")
            return .unknown
        case .success(let i): invocation = i
        }
        let script = ShellSed.script(invocation.scripts.joined(separator: "\n"), extended: invocation.extended, quiet: invocation.quiet)
        if case .writes(let what) = script {
            result.unknown.append("`sed` with \(what) may write files")
            return .unknown
        }
        if case .unsupported(let why) = script {
            result.unknown.append("`sed`: \(why)")
            return .unknown
        }
        guard invocation.inPlace else {
            // To standard output: read-only; the output is known for plain substitutions of one input.
            guard case .substitutions(let subs) = script, invocation.files.count <= 1 else {
                return ShellCommandResult(status: nil, stdout: .unknown)
            }
            var input = stdin
            if let f = invocation.files.first {
                guard case .repo(let p) = locate(f), let bytes = try view.read(p) else { return ShellCommandResult(status: nil, stdout: .unknown) }
                input = .known(bytes)
            }
            guard case .known(let bytes) = input, let out = try? ShellSed.apply(subs, to: bytes) else {
                return ShellCommandResult(status: nil, stdout: .unknown)
            }
            return ShellCommandResult(status: true, stdout: .known(out))
        }
        guard case .substitutions(let subs) = script else {
            if case .noWrites(let why) = script { result.unknown.append("`sed -i` with \(why) is not followed") }
            return .unknown
        }
        let files = invocation.files
        guard !files.isEmpty else { return ShellCommandResult(status: false, stdout: .known([])) }
        var status = true
        for f in files {
            let location = locate(f)
            guard case .repo(let p) = location else {
                if !outsideSandbox(location, "`sed -i` edits") { result.unknown.append("`sed -i` edits the repository's root") }
                continue
            }
            switch try view.node(p) {
            case .file(let x):
                let before = try view.read(p) ?? []
                let after: [UInt8]?
                do {
                    after = try ShellSed.apply(subs, to: before, path: p.value)
                } catch let exceeded as ReplayLimits.Exceeded {
                    throw exceeded
                } catch is ShellRegex.OverBudget {
                    result.unknown.append(
                        "`sed -i` on \(p.value): the regex would take more than linear work (over \(ShellRegex.budget(bytes: before.count, items: subs.reduce(0) { $0 + $1.regex.items.count })) steps), not followed"
                    )
                    continue
                } catch {
                    result.unknown.append("`sed -i` on \(p.value): a match that depends on the locale (non-ASCII text)")
                    continue
                }
                guard let after else {
                    result.unknown.append("`sed -i` on \(p.value): not UTF-8 text")
                    continue
                }
                if let suffix = invocation.suffix {
                    guard case .repo(let backup) = locate(f + suffix) else { continue }
                    try write(backup, before, executable: x, literal: false)
                }
                try write(p, after, executable: x, literal: false)
            case .absent, .directory:
                status = false  // "can't read": nothing written
            case .symlink, .submodule:
                result.unknown.append("`sed -i` on \(p.value), a symlink or submodule of the tree: not replayed")
            }
        }
        return ShellCommandResult(status: status, stdout: .known([]))
    }

    mutating func git(_ args: ArraySlice<ShellWord>, assumeSuccess: Bool) throws -> ShellCommandResult {
        let plain = args.map(\.text)
        if ShellReadOnly.git(plain) { return ShellCommandResult(status: nil, stdout: .unknown) }
        guard Self.gitChanges(args), let k = plain.firstIndex(where: { !$0.hasPrefix("-") }),
            !plain[..<k].contains(where: { $0.hasPrefix("--git-dir") || $0.hasPrefix("--work-tree") })
        else {
            // The subcommand: the first word that is neither an option nor the value of `-C`/`-c`.
            var k = 0
            while k < plain.count, plain[k].hasPrefix("-") { k += plain[k] == "-C" || plain[k] == "-c" ? 2 : 1 }
            let sub = k < plain.count ? plain[k] : ""
            result.unknown.append("`git \(sub)` may change the working tree (or run hooks)")
            return .unknown
        }
        guard let words = try expand(args[(args.startIndex + k + 1)...], for: "git \(plain[k])") else { return .unknown }
        if words.contains(where: { $0 == "-n" || $0 == "--dry-run" }) { return ShellCommandResult(status: nil, stdout: .unknown) }
        if plain[k] == "rm" {
            if words.contains("--cached") { return ShellCommandResult(status: nil, stdout: .unknown) }
            // git rm: `-r` for directories; `-f`, `-q`, `--` as rm reads them.
            let mapped = words.filter { $0 != "-q" && $0 != "--quiet" && $0 != "--ignore-unmatch" }
            return try files("rm", mapped, assumeSuccess: assumeSuccess)
        }
        return try files("mv", words.filter { $0 != "-k" }, assumeSuccess: assumeSuccess)
    }
}
