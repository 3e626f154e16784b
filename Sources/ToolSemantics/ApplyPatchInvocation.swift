/// The ways a Codex tool call asks for `apply_patch`, as Codex recognises them: the patch as
/// the one argument of `apply_patch` (or `applypatch`), or a shell script that is nothing but
/// `apply_patch <<'EOF'` … `EOF`, optionally after `cd <dir> &&`.
package enum ApplyPatchInvocation {
    package struct Found: Equatable {
        package var patch: String
        /// The directory a `cd <dir> &&` prefix named, as written.
        package var directory: String?
    }

    static let commands: Set<String> = ["apply_patch", "applypatch"]

    /// From an argument vector (`shell`'s `command`, `local_shell`'s `action.command`).
    package static func from(argv: [String]) -> Found? {
        if argv.count == 2, commands.contains(argv[0]) { return Found(patch: argv[1], directory: nil) }
        guard argv.count >= 3 else { return nil }
        let shell = (argv[0].split(separator: "/").last.map(String.init) ?? argv[0]).lowercased()
        let name = shell.hasSuffix(".exe") ? String(shell.dropLast(4)) : shell
        switch (name, argv.count) {
        case ("bash", 3), ("zsh", 3), ("sh", 3):
            guard argv[1] == "-lc" || argv[1] == "-c" else { return nil }
            return from(script: argv[2])
        case ("pwsh", _), ("powershell", _):
            let flags = argv.dropFirst().dropLast().map { $0.lowercased() }
            guard flags == ["-command"] || flags == ["-noprofile", "-command"] else { return nil }
            return from(script: argv.last!)
        default:
            return nil
        }
    }

    /// From a shell script (`exec_command`'s `cmd`, the script of `bash -lc`).
    package static func from(script: String) -> Found? {
        // Split as bytes: Swift reads "\r\n" as one character, not a line end.
        var lines = script.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
        guard !lines.isEmpty else { return nil }
        var head = Substring(lines.removeFirst())
        skipSpace(&head)
        var directory: String?
        if head.hasPrefix("cd ") {
            head = head.dropFirst(3)
            skipSpace(&head)
            guard let word = takeWord(&head) else { return nil }
            directory = word
            skipSpace(&head)
            guard head.hasPrefix("&&") else { return nil }
            head = head.dropFirst(2)
            skipSpace(&head)
        }
        guard let command = takeWord(&head), commands.contains(command) else { return nil }
        skipSpace(&head)
        guard head.hasPrefix("<<"), !head.hasPrefix("<<<") else { return nil }
        head = head.dropFirst(2)
        if head.hasPrefix("-") { head = head.dropFirst() }
        skipSpace(&head)
        guard let delimiter = takeWord(&head), !delimiter.isEmpty else { return nil }
        skipSpace(&head)
        guard head.isEmpty else { return nil }
        guard let end = lines.firstIndex(where: { $0 == delimiter || $0 == delimiter + "\r" }) else { return nil }
        guard lines[(end + 1)...].allSatisfy({ $0.allSatisfy(\.isWhitespace) }) else { return nil }
        return Found(patch: lines[..<end].joined(separator: "\n") + "\n", directory: directory)
    }

    static func skipSpace(_ s: inout Substring) {
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
    }

    /// One shell word: unquoted up to white space or `&`/`;`/`|`, or one quoted string.
    static func takeWord(_ s: inout Substring) -> String? {
        guard let first = s.first else { return nil }
        if first == "'" || first == "\"" {
            let body = s.dropFirst()
            guard let close = body.firstIndex(of: first) else { return nil }
            let word = String(body[..<close])
            if first == "\"", word.contains(where: { $0 == "$" || $0 == "`" || $0 == "\\" }) { return nil }
            s = body[body.index(after: close)...]
            return word
        }
        var word = ""
        while let c = s.first, !c.isWhitespace, !"&;|<>()'\"$`\\".contains(c) {
            word.append(c)
            s = s.dropFirst()
        }
        return word.isEmpty ? nil : word
    }
}
