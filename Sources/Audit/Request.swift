import Insight
import Replay
import Shell
import Trace

/// What a tool call asked for: the tool, the files it read and wrote, the command it ran
/// and its simple commands, the domains it reached.
public struct Request: Sendable {
    public enum Kind: String, Sendable {
        case read, write, command, web, agent, other
    }

    /// A file the call named, as the repository sees it.
    public struct FilePath: Sendable, Equatable, Hashable {
        /// Relative to the repository root when inside it, else as written (absolute, `~/…`).
        public var path: String
        public var insideRepository: Bool
    }

    public var tool: String
    public var kind: Kind
    public var reads: [FilePath]
    public var writes: [FilePath]
    /// The command line, for a shell call.
    public var command: String?
    /// Its simple commands, wrappers (`sudo`, `env`, `timeout`, `bash -c`) unwrapped.
    public var commands: [SimpleCommand]
    /// Whether replay's shell reader read the whole command line (else a lenient split).
    public var commandExact: Bool
    /// Hosts the call reached, when the log shows them (a URL, a web tool's input).
    public var domains: [String]
    /// What a web search tool searched for.
    public var query: String?
    /// Kinds of credential written in the command line itself (`GH_TOKEN=ghp_…`): the
    /// command is kept with each of them replaced by `[redacted]`.
    public var secretsInCommand: [String] = []

    /// One simple command of a shell call.
    public struct SimpleCommand: Sendable, Equatable {
        /// The words after quote removal, wrappers taken off.
        public var words: [String]
        /// The wrappers taken off (`sudo`, `env`, …), in order.
        public var wrappers: [String]
        /// Files its output is redirected into, as written.
        public var redirects: [String]
        /// Positions of words holding an expansion whose value is unknown (`$dir/x`).
        public var unknown: Set<Int> = []
        /// The words that name something for certain.
        var knownWords: [String] { words.indices.filter { !unknown.contains($0) }.map { words[$0] } }
        /// The words joined by single spaces: what `deny_command` globs match.
        public var text: String { words.joined(separator: " ") }
    }

    /// What paths are resolved against.
    struct Context: Sendable {
        var repoRoot: String?
        /// The root as `resolve` compares paths with it (`.` and `..` folded): once per session.
        let normalRoot: String?
        /// What a path inside the root starts with: the normal root and `/`.
        let rootPrefix: String?

        init(repoRoot: String?) {
            self.repoRoot = repoRoot
            normalRoot = repoRoot.flatMap { Request.normalize($0).map { "/" + $0 } }
            rootPrefix = normalRoot.map { $0 == "/" ? "/" : $0 + "/" }
        }
    }

    /// Input members that name a file, in every dialect read.
    static let pathKeys = ["file_path", "path", "filePath", "notebook_path", "absolute_path", "file", "target_file", "dir_path", "directory"]
    static let readTools: Set<String> = [
        "Read", "read_file", "read", "view", "Glob", "Grep", "LS", "grep", "glob", "list", "list_directory", "read_many_files",
        "search_file_content", "find_file", "search_file", "search_dir", "open", "NotebookRead",
    ]
    static let writeTools: Set<String> = [
        "Edit", "MultiEdit", "Write", "NotebookEdit", "apply_patch", "write_file", "replace", "edit", "write", "patch",
        "create", "insert", "str_replace_editor", "str_replace_based_edit_tool", "edit_file", "multiedit",
    ]
    static let webTools: Set<String> = [
        "WebFetch", "WebSearch", "web_search", "web_fetch", "google_web_search", "webfetch", "websearch", "fetch", "browser",
    ]
    static let agentTools: Set<String> = ["Task", "Agent", "task", "delegate"]

    init(_ span: Span, context: Context) {
        tool = span.toolName ?? span.name
        let input = span.input ?? .null
        var reads: [FilePath] = []
        var writes: [FilePath] = []
        var domains: [String] = []
        commands = []
        commandExact = true
        let cwd = span.attributes[GenAI.workingDirectory]?.stringValue ?? context.repoRoot
        func resolve(_ p: String) -> FilePath { Self.resolve(p, cwd: cwd, normalRoot: context.normalRoot, rootPrefix: context.rootPrefix) }
        let named = Self.pathKeys.compactMap { input[$0]?.stringValue }.filter { !$0.isEmpty }
        if let script = Self.codexScript(span) {
            // A Codex code-mode script: the shell commands and patches it runs through `tools`.
            kind = .command
            var lines: [String] = []
            if let calls = CodexScriptInspection.calls(script) {
                for (name, argument) in calls {
                    if let cmd = ShellCalls.commandLine(argument) {
                        lines.append(cmd)
                    } else if name == "apply_patch" {
                        let patch = argument.stringValue ?? argument["input"]?.stringValue ?? ""
                        writes += Self.patchPaths(.object([("input", .string(patch))])).map(resolve)
                    }
                }
            } else {
                commandExact = false
            }
            command = lines.isEmpty ? nil : lines.joined(separator: "\n")
        } else if let shell = ShellCall(span) {
            kind = .command
            command = shell.command
        } else {
            kind = .other
        }
        if let raw = command {
            let (redacted, kinds) = Secrets.redact(raw)
            command = redacted
            secretsInCommand = kinds
            let inspected = ShellInspection(redacted)
            commandExact = commandExact && inspected.exact
            commands = Self.unwrap(inspected.commands)
            for c in commands {
                writes += c.redirects.filter { !Self.isDevice($0) }.map(resolve)
                let known = Set(c.knownWords)
                writes += CommandClass.writtenPaths(c.words).filter { known.contains($0) && !Self.isDevice($0) }.map(resolve)
                reads += CommandClass.secretWords(c.words).filter(known.contains).map(resolve)
                if CommandClass.network(c.words) != nil { domains += CommandClass.domains(c.words) }
            }
        } else if kind == .command {
            // A script whose calls ran no command.
        } else if Self.writeTools.contains(tool) && !(tool == "str_replace_editor" && input["command"]?.stringValue == "view") {
            kind = .write
            writes = named.map(resolve) + Self.patchPaths(input).map(resolve)
        } else if Self.readTools.contains(tool) || tool == "str_replace_editor" {
            kind = .read
            reads = named.map(resolve)
        } else if Self.webTools.contains(tool) {
            kind = .web
            let urls = ["url", "uri", "query"].compactMap { input[$0]?.stringValue } + (input["action"]?["url"]?.stringValue).map { [$0] }.orEmpty
            domains = urls.compactMap(CommandClass.host(of:))
            query = (input["query"]?.stringValue ?? input["action"]?["query"]?.stringValue).map { Secrets.redact($0).text }
        } else if Self.agentTools.contains(tool) {
            kind = .agent
        } else {
            kind = .other
            reads = named.map(resolve)
        }
        self.reads = Self.unique(reads)
        self.writes = Self.unique(writes)
        self.domains = Self.unique(domains.filter { !CommandClass.isLoopback($0) })
    }

    static func unique<T: Hashable>(_ items: [T]) -> [T] {
        var seen = Set<T>()
        return items.filter { seen.insert($0).inserted }
    }

    /// Scratch folders: a write there is outside the repository but not a risk of its own
    /// (a `deny_write` glob such as `/tmp/**` still catches it).
    /// The JavaScript of a Codex code-mode `exec` call, or nil.
    static func codexScript(_ span: Span) -> String? {
        guard span.toolName == "exec", span.attributes["agentreplay.codex.call_type"]?.stringValue == "custom" else { return nil }
        return span.input?["input"]?.stringValue
    }

    static func isTemporary(_ p: String) -> Bool {
        ["/tmp/", "/var/tmp/", "/private/tmp/", "/var/folders/", "/private/var/folders/"].contains { p.hasPrefix($0) } || p == "/tmp"
    }

    static func isDevice(_ p: String) -> Bool { p.hasPrefix("/dev/") || p.hasPrefix("&") || p == "-" }

    /// Files a Codex `apply_patch` (or a patch-carrying input) names.
    static func patchPaths(_ input: JSON) -> [String] {
        let text = input["input"]?.stringValue ?? input["patch"]?.stringValue ?? input["patchText"]?.stringValue ?? ""
        var paths: [String] = []
        for line in text.splitLines(startingWith: UInt8(ascii: "*")) {
            for marker in ["*** Update File: ", "*** Add File: ", "*** Delete File: ", "*** Move to: "] where line.hasPrefixBytesFirst(marker) {
                paths.append(line.dropFirst(marker.count).trimmingSpaces)
            }
        }
        return paths
    }

    /// `p` relative to the repository root when it is inside it, else as written.
    /// `normalRoot`: the root as `Context` keeps it (`/` and the root normalized);
    /// `rootPrefix`: what a path inside it starts with (made from it when not given).
    static func resolve(_ p: String, cwd: String?, normalRoot: String?, rootPrefix: String? = nil) -> FilePath {
        if p.hasPrefixBytesFirst("~") { return FilePath(path: p, insideRepository: false) }
        var absolute: String
        if p.hasPrefixBytesFirst("/") {
            absolute = p
        } else if let cwd {
            absolute = cwd + "/" + p
        } else {
            // No root recorded: a relative path is taken as the repository's.
            let normal = normalize(p)
            return FilePath(path: normal ?? p, insideRepository: normal != nil)
        }
        if !isNormalAbsolute(absolute) { absolute = normalize(absolute).map { "/" + $0 } ?? absolute }
        if let normalRoot {
            if absolute == normalRoot { return FilePath(path: ".", insideRepository: true) }
            let prefix = rootPrefix ?? (normalRoot == "/" ? "/" : normalRoot + "/")
            if let rest = absolute.droppingPrefix(prefix) { return FilePath(path: String(rest), insideRepository: true) }
        }
        return FilePath(path: absolute, insideRepository: false)
    }

    /// Whether `p` is an absolute path that `normalize` leaves as it is (but for its leading
    /// `/`): no empty, `.` or `..` segment and no `/` at the end. Most paths a log names are,
    /// and this byte scan costs a fraction of the split and join. Each `/` byte is taken as a
    /// separator, which finds at least the empty and dot segments that `normalize`'s split by
    /// characters finds; the first character must be `/` itself (not `/` with a combining mark).
    static func isNormalAbsolute(_ p: String) -> Bool {
        guard p.first == "/" else { return false }
        var bytes = p.utf8.dropFirst().makeIterator()
        var length = 0, dots = 0
        while let b = bytes.next() {
            if b == UInt8(ascii: "/") {
                if length == 0 || (dots == length && length <= 2) { return false }
                length = 0
                dots = 0
            } else {
                length += 1
                if b == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return length > 0 && !(dots == length && length <= 2)
    }

    /// `.` and `..` folded; nil when `..` climbs above the start.
    static func normalize(_ p: String) -> String? {
        var parts: [Substring] = []
        for part in p.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == ".." {
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }

    /// Takes wrappers off each command: `sudo`, `doas`, `env`, `nohup`, `time`, `command`,
    /// `exec`, `nice`, `timeout N`, `xargs`; `bash -c SCRIPT` is read as its script.
    static func unwrap(_ commands: [ShellInspection.Command]) -> [SimpleCommand] {
        var out: [SimpleCommand] = []
        for command in commands {
            var words = command.words[...]
            let start = command.words.startIndex
            var wrappers: [String] = []
            var changed = true
            while changed, let first = words.first {
                changed = true
                let name = CommandClass.baseName(first)
                switch name {
                case "sudo", "doas":
                    wrappers.append(name)
                    words = words.dropFirst()
                    while let w = words.first, w.hasPrefix("-") {
                        words = words.dropFirst()
                        if ["-u", "-g", "-C", "-p"].contains(w) { words = words.dropFirst() }
                    }
                case "env":
                    wrappers.append(name)
                    words = words.dropFirst().drop { $0.hasPrefix("-") || ShellInspection.isAssignment($0) }
                case "nohup", "time", "command", "exec", "builtin":
                    wrappers.append(name)
                    words = words.dropFirst()
                case "nice", "timeout", "xargs":
                    wrappers.append(name)
                    words = words.dropFirst().drop { $0.hasPrefix("-") }
                    if name == "timeout", let w = words.first, w.first?.isNumber == true { words = words.dropFirst() }
                    if name == "nice", let w = words.first, Int(w) != nil { words = words.dropFirst() }
                default:
                    changed = false
                }
                if ShellInspection.isAssignment(words.first ?? "") { words = words.drop { ShellInspection.isAssignment($0) } }
            }
            let list = Array(words)
            if list.count >= 3, ["bash", "sh", "zsh", "dash"].contains(list[0]), list[1].hasPrefix("-"), list[1].hasSuffix("c") {
                let inner = unwrap(ShellInspection(list[2]).commands)
                out += inner.map {
                    SimpleCommand(
                        words: $0.words, wrappers: wrappers + [list[0] + " " + list[1]] + $0.wrappers, redirects: $0.redirects, unknown: $0.unknown)
                }
                continue
            }
            let offset = words.startIndex - start
            let unknown = Set(command.unknown.compactMap { $0 >= offset ? $0 - offset : nil })
            out.append(SimpleCommand(words: list, wrappers: wrappers, redirects: command.writes, unknown: unknown))
        }
        return out
    }
}

extension Optional where Wrapped == [String] {
    var orEmpty: [String] { self ?? [] }
}

extension Substring {
    /// Without the spaces, tabs and carriage returns at either end (a slice, not the
    /// characters reversed twice).
    var trimmingSpaces: String {
        var s = self
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return String(s)
    }
}
