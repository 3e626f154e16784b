/// Commands that cannot write files, given their arguments: replay serves them without
/// flagging anything. Conservative on purpose: a command is here only when no argument can
/// make it write (or when the arguments that can are checked: `sort -o`, `find -delete`,
/// `git diff --output`). Test runners, builds, package managers and interpreters are not:
/// they write caches, lock files and outputs.
enum ShellReadOnly {
    /// Never write a file, whatever their arguments.
    static let always: Set<String> = [
        "ls", "ll", "la", "dir", "head", "tail", "wc", "grep", "egrep", "fgrep", "pwd", "which", "whereis", "file", "stat",
        "du", "df", "diff", "cmp", "comm", "cut", "tr", "nl", "od", "hexdump", "basename", "dirname", "realpath",
        "readlink", "date", "whoami", "id", "uname", "hostname", "test", "[", "sleep", "jq", "ps", "lsof", "kill",
        "pkill", "pgrep", "printenv", "column", "fold", "paste", "rev", "seq", "tac", "md5sum", "sha1sum", "sha256sum",
        "sha512sum", "shasum", "cksum", "md5", "expr", "export", "unset", "alias", "unalias", "shopt", "wait", "hash",
        "type", "umask", "ulimit", "read", "local", "declare", "typeset", "readonly", "history", "nproc", "uptime",
        "free", "top", "htop", "env", "printf", "echo", "cat", "true", "false", ":", "clear", "tput", "locale", "getconf",
        "whatis", "apropos", "man", "info", "help", "cal", "bc", "dc", "factor", "numfmt", "strings", "nm", "objdump",
        "otool", "ldd", "lscpu", "sw_vers", "arch", "tty", "groups", "users", "who", "w", "last", "netstat", "ss",
        "ping", "host", "dig", "nslookup",
    ]

    /// Programs that only report their version with `--version` (or `-v`, `-V`, `version`).
    static let versioned: Set<String> = [
        "node", "npm", "npx", "yarn", "pnpm", "bun", "deno", "python", "python3", "pip", "pip3", "ruby", "gem",
        "go", "cargo", "rustc", "rustup", "swift", "java", "javac", "gcc", "g++", "clang", "make", "cmake", "docker",
        "kubectl", "git", "tsc", "uv", "poetry", "dotnet", "php", "perl", "lua", "zig", "bash", "zsh", "sh", "sed",
        "awk", "gawk", "curl", "wget", "rg", "fd", "find", "tree", "sort", "uniq",
    ]

    /// Whether `name args` cannot write a file.
    static func check(_ name: String, _ args: [String]) -> Bool {
        if always.contains(name) { return true }
        if versioned.contains(name), args.count == 1, ["--version", "-v", "-V", "version", "-version"].contains(args[0]) { return true }
        switch name {
        case "rg", "ag", "ack":
            return !args.contains { $0 == "--pre" || $0.hasPrefix("--pre=") }
        case "sort":
            return !args.contains { $0 == "-o" || $0.hasPrefix("--output") || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("o")) }
        case "uniq":
            return args.filter { !$0.hasPrefix("-") }.count <= 1
        case "xxd":
            return args.filter { !$0.hasPrefix("-") }.count <= 1
        case "tree":
            return !args.contains { $0 == "-o" }
        case "fd":
            return !args.contains { $0 == "-x" || $0 == "-X" || $0 == "--exec" || $0 == "--exec-batch" }
        case "find":
            return find(args)
        case "xargs":
            // `xargs grep …`: read-only when the command it runs is.
            guard let k = args.firstIndex(where: { !$0.hasPrefix("-") }) else { return true }
            if args[..<k].contains(where: { $0 == "-I" || $0 == "-a" || $0 == "-n" || $0 == "-L" || $0 == "-P" || $0 == "-d" || $0 == "-E" }) {
                return false  // options with arguments: not read far enough to tell
            }
            return runsReadOnly(Array(args[k...]))
        case "command":
            return args.first == "-v" || args.first == "-V"
        case "git":
            return git(args)
        case "awk", "gawk", "perl", "python", "python3", "node", "ruby":
            return false
        default:
            return false
        }
    }

    /// `find` without `-delete`, `-fprint…`, `-fls`, and with `-exec` only of read-only commands.
    static func find(_ args: [String]) -> Bool {
        var k = 0
        while k < args.count {
            let a = args[k]
            k += 1
            switch a {
            case "-delete", "-fprint", "-fprint0", "-fprintf", "-fls", "-ok", "-okdir":
                return false
            case "-exec", "-execdir":
                guard let end = args[k...].firstIndex(where: { $0 == ";" || $0 == "+" }) else { return false }
                if !runsReadOnly(Array(args[k..<end]).filter { $0 != "{}" }) { return false }
                k = end + 1
            default:
                continue
            }
        }
        return true
    }

    /// Whether a command run by `find -exec` or `xargs` is read-only.
    static func runsReadOnly(_ argv: [String]) -> Bool {
        guard let name = argv.first else { return true }
        return [
            "grep", "egrep", "fgrep", "cat", "head", "tail", "wc", "ls", "file", "stat", "rg", "md5sum",
            "sha256sum", "shasum", "basename", "dirname", "echo", "du",
        ].contains(name)
            && check(name, Array(argv.dropFirst()))
    }

    /// `git` subcommands that change neither the working tree nor run hooks or filters that
    /// could (`add` writes only the index).
    static func git(_ args: [String]) -> Bool {
        var k = 0
        while k < args.count {
            let a = args[k]
            if a == "-C" || a == "-c" { k += 2; continue }
            if a == "--no-pager" || a == "--paginate" || a == "-P" || a == "--no-optional-locks" || a.hasPrefix("--exec-path") { k += 1; continue }
            if a.hasPrefix("-") { return ["--version", "--help", "--html-path", "--man-path", "--info-path"].contains(a) }
            break
        }
        guard k < args.count else { return true }
        let sub = args[k]
        let rest = Array(args[(k + 1)...])
        switch sub {
        case "status", "log", "show", "rev-parse", "ls-files", "ls-tree", "blame", "grep", "describe", "shortlog",
            "cat-file", "rev-list", "merge-base", "name-rev", "for-each-ref", "show-ref", "count-objects",
            "whatchanged", "help", "version", "annotate", "show-branch", "check-ignore", "check-attr", "var",
            "fetch", "add", "ls-remote", "diff-tree", "diff-index", "diff-files", "cherry", "range-diff", "fsck":
            return !rest.contains { $0.hasPrefix("--output") }
        case "diff":
            return !rest.contains { $0.hasPrefix("--output") || $0 == "--ext-diff" }
        case "branch":
            let listing: Set<String> = ["-a", "-r", "-v", "-vv", "--list", "-l", "--show-current", "--all", "--remotes", "--no-color", "--color"]
            return rest.allSatisfy {
                listing.contains($0) || $0.hasPrefix("--format") || $0.hasPrefix("--contains") || $0.hasPrefix("--merged")
                    || $0.hasPrefix("--no-merged") || $0.hasPrefix("--sort")
            }
        case "remote":
            return rest.isEmpty || rest == ["-v"] || rest.first == "show" || rest.first == "get-url"
        case "tag":
            return rest.isEmpty || rest.first == "-l" || rest.first == "--list"
        case "stash":
            return rest.first == "list" || rest.first == "show"
        case "config":
            return rest.contains { ["--get", "--get-all", "--list", "-l", "--get-regexp", "--show-origin"].contains($0) }
        case "reflog":
            return rest.isEmpty || rest.first == "show"
        case "worktree":
            return rest.first == "list"
        case "submodule":
            return rest.isEmpty || rest.first == "status"
        default:
            return false
        }
    }
}
