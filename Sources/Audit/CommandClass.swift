/// What a simple command's words say about it: the files it writes, the secrets it names,
/// the network it reaches, whether it destroys or takes privilege. Read from the words
/// (`Request.SimpleCommand`), never from the text with patterns.
enum CommandClass {
    /// The command's name without its folder (`/usr/bin/rm` → `rm`).
    static func name(_ words: [String]) -> String? {
        words.first.map(baseName)
    }

    /// A word without its folders (`/usr/bin/rm` → `rm`; one of slashes only stays as it is).
    /// A word with no `/` byte is its own name: no other character holds that byte, so the
    /// characters' split would not cut it either (most words; the split made an array).
    static func baseName(_ word: String) -> String {
        guard word.utf8.contains(UInt8(ascii: "/")) else { return word }
        return word.split(separator: "/").last.map(String.init) ?? word
    }

    static func operands(_ words: [String]) -> [String] {
        var out: [String] = []
        var options = true
        for w in words.dropFirst() {
            if options, w == "--" { options = false; continue }
            if options, w.hasPrefix("-"), w != "-" { continue }
            out.append(w)
        }
        return out
    }

    /// Files the plain file commands write (`cp`/`mv`/`install`/`ln` targets, `touch`,
    /// `mkdir`, `rm`, `tee`, `sed -i`, `truncate`, `chmod` and `chown` operands).
    static func writtenPaths(_ words: [String]) -> [String] {
        guard let name = name(words) else { return [] }
        let ops = operands(words)
        switch name {
        case "cp", "mv", "install", "ln", "rsync", "scp":
            return ops.count >= 2 ? [ops[ops.count - 1]].filter { !$0.contains(":") || $0.hasPrefix("/") } : []
        case "touch", "mkdir", "rm", "rmdir", "tee", "truncate", "shred", "unlink":
            return ops
        case "chmod", "chown", "chgrp":
            return Array(ops.dropFirst())
        case "sed", "perl":
            guard words.contains(where: { $0 == "-i" || $0.hasPrefix("-i") || $0 == "--in-place" || $0.hasPrefix("--in-place=") || $0 == "-pi" })
            else { return [] }
            return Array(ops.dropFirst())
        default:
            return []
        }
    }

    /// Words that name a secret file, whatever the command does with it.
    static func secretWords(_ words: [String]) -> [String] {
        words.dropFirst().filter { Secrets.kind(ofPath: $0) != nil }
    }

    /// Hosts in the command's URLs (`https://host/…`, `git@host:…`).
    static func domains(_ words: [String]) -> [String] {
        words.compactMap(host(of:))
    }

    /// The host of a URL, or of an scp-like `user@host:path`; nil for anything else.
    static func host(of word: String) -> String? {
        var rest = Substring(word)
        if let scheme = rest.range(of: "://") {
            let s = rest[..<scheme.lowerBound]
            guard !s.isEmpty, s.allSatisfy({ $0.isLetter || $0 == "+" }) else { return nil }
            rest = rest[scheme.upperBound...]
        } else if let at = rest.firstIndex(of: "@"), let colon = rest.firstIndex(of: ":"), at < colon, !rest.hasPrefix("-") {
            rest = rest[rest.index(after: at)..<colon]
        } else {
            return nil
        }
        if let at = rest.firstIndex(of: "@"), rest.firstIndex(of: "/").map({ at < $0 }) ?? true { rest = rest[rest.index(after: at)...] }
        let host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "[" || $0 == "]" }) else { return nil }
        return host.lowercased()
    }

    /// This machine: `localhost`, `127.x.x.x`, `::1`, `0.0.0.0`. Not network access.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasSuffix(".localhost") || host.hasPrefix("127.") || host == "[::1]" || host == "::1" || host == "0.0.0.0"
    }

    /// Why the command reaches the network, or nil.
    static func network(_ words: [String]) -> String? {
        guard let name = name(words) else { return nil }
        let ops = operands(words)
        let sub = ops.first
        switch name {
        case "curl", "wget", "http", "https", "xh", "aria2c", "nc", "ncat", "telnet", "ssh", "scp", "sftp", "ftp", "rsync":
            if name == "rsync" || name == "scp" { return words.contains(where: { host(of: $0) != nil }) ? name : nil }
            return name
        case "git":
            let verb = gitVerb(words)
            return ["push", "pull", "fetch", "clone", "ls-remote", "submodule"].contains(verb ?? "") ? "git " + verb! : nil
        case "gh":
            return sub.map { "gh " + $0 } ?? "gh"
        case "npm", "pnpm", "yarn", "bun":
            let verbs = ["install", "i", "add", "ci", "update", "upgrade", "publish", "dlx", "create", "exec"]
            if name == "yarn", ops.isEmpty { return "yarn install" }
            return sub.flatMap { verbs.contains($0) ? "\(name) \($0)" : nil }
        case "npx", "bunx", "pnpx", "uvx", "pipx":
            return name
        case "pip", "pip3":
            return sub.flatMap { ["install", "download"].contains($0) ? "\(name) \($0)" : nil }
        case "uv":
            if sub == "pip", ops.count > 1, ops[1] == "install" { return "uv pip install" }
            return sub.flatMap { ["add", "sync", "install", "tool"].contains($0) ? "uv \($0)" : nil }
        case "cargo":
            return sub.flatMap { ["install", "add", "fetch", "update", "publish"].contains($0) ? "cargo \($0)" : nil }
        case "go":
            if sub == "mod", ops.count > 1, ops[1] == "download" { return "go mod download" }
            return sub.flatMap { ["get", "install"].contains($0) ? "go \($0)" : nil }
        case "brew", "apt", "apt-get", "dnf", "yum", "apk", "gem", "composer", "poetry":
            return sub.flatMap { ["install", "add", "update", "upgrade", "require"].contains($0) ? "\(name) \($0)" : nil }
        case "docker", "podman":
            return sub.flatMap { ["pull", "push", "login"].contains($0) ? "\(name) \($0)" : nil }
        default:
            return nil
        }
    }

    /// The verb of a git command line, after its global options (`-C dir`, `-c k=v`).
    static func gitVerb(_ words: [String]) -> String? {
        var i = 1
        while i < words.count, words[i].hasPrefix("-") {
            i += ["-C", "-c", "--git-dir", "--work-tree", "--namespace"].contains(words[i]) ? 2 : 1
        }
        return i < words.count ? words[i] : nil
    }

    /// Why the command destroys data, or nil.
    static func destructive(_ words: [String]) -> String? {
        guard let name = name(words) else { return nil }
        let flags = words.dropFirst().filter { $0.hasPrefix("-") && $0 != "-" }
        func short(_ c: Character) -> Bool { flags.contains { !$0.hasPrefix("--") && $0.dropFirst().contains(c) } }
        switch name {
        case "rm":
            let recursive = short("r") || short("R") || flags.contains("--recursive")
            let force = short("f") || flags.contains("--force")
            return recursive ? (force ? "rm -rf" : "rm -r") : nil
        case "git":
            let verb = gitVerb(words)
            switch verb {
            case "reset" where words.contains("--hard"): return "git reset --hard"
            case "push" where words.contains { $0 == "--force" || $0 == "-f" || $0.hasPrefix("--force-with-lease") || $0.hasPrefix("+") }:
                return "git push --force"
            case "clean": return "git clean"
            case "checkout" where words.contains("--") && words.last == ".": return "git checkout -- ."
            case "restore" where !words.contains("--staged"): return "git restore"
            case "branch" where words.contains("-D"): return "git branch -D"
            case "stash" where words.contains("drop") || words.contains("clear"): return "git stash drop"
            default: return nil
            }
        case "dropdb", "mkfs", "shred", "wipefs": return name
        case "dd" where words.contains { $0.hasPrefix("of=/dev/") }: return "dd of=/dev/…"
        default:
            // SQL run from the command line: `psql -c "DROP DATABASE x"`, `mysql -e …`.
            // Each statement has a space, which no other character uppercases to: a word
            // without one is not uppercased and searched.
            for w in words.dropFirst() where w.utf8.contains(0x20) {
                let upper = w.uppercased()
                for statement in ["DROP DATABASE", "DROP SCHEMA", "DROP TABLE", "TRUNCATE TABLE"] where upper.contains(statement) {
                    return statement.lowercased()
                }
            }
            return nil
        }
    }

    /// Why the command takes or grants privilege, or nil (`sudo` is seen as a wrapper).
    static func privilege(_ words: [String], wrappers: [String]) -> String? {
        if let w = wrappers.first(where: { $0 == "sudo" || $0 == "doas" }) { return w }
        guard let name = name(words) else { return nil }
        switch name {
        case "su": return "su"
        case "chmod":
            let modes = operands(words).prefix(1)
            if let mode = modes.first,
                mode == "777" || mode == "0777" || mode.hasSuffix("+rwx") && (mode.hasPrefix("a") || mode.hasPrefix("o")) || mode == "o+w"
                    || mode == "a+w"
            {
                return "chmod " + mode
            }
            if words.contains(where: { $0.hasPrefix("u+s") || $0.hasPrefix("g+s") || $0 == "4755" }) { return "chmod setuid" }
            return nil
        case "chown" where operands(words).first?.hasPrefix("root") == true: return "chown root"
        default: return nil
        }
    }
}
