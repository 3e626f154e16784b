import XCTest

@testable import Audit
import Importers
import Replay
import Shell
import Trace

/// Risk classes from a command's words, secrets from paths and output, never from the text
/// with patterns.
final class CommandClassTests: XCTestCase {
    func commands(_ line: String) -> [Request.SimpleCommand] {
        Request.unwrap(ShellInspection(line).commands)
    }

    /// The byte test answers as the characters' split does, a slash joined by a combining
    /// mark (one character that is not `/`) included.
    func testBaseNameIsTheSplitsLastPart() {
        for word in ["rm", "/usr/bin/rm", "/", "///", "", "a//b", "bin/", "./x", "/\u{301}x", "a/\u{301}x", "é/ü", "caf\u{E9}"] {
            let split = word.split(separator: "/").last.map(String.init) ?? word
            XCTAssertEqual(CommandClass.baseName(word).unicodeScalars.elementsEqual(split.unicodeScalars), true, word.debugDescription)
        }
        XCTAssertEqual(CommandClass.baseName("/\u{301}x"), "/\u{301}x")
        XCTAssertEqual(CommandClass.name(["/usr/bin/git", "push"]), "git")
    }

    func testDestructiveCommands() {
        let cases: [(String, String?)] = [
            ("rm -rf build", "rm -rf"), ("rm -fr build", "rm -rf"), ("rm -r -f x", "rm -rf"), ("rm -R x", "rm -r"),
            ("rm x.txt", nil), ("git reset --hard HEAD~1", "git reset --hard"), ("git reset HEAD~1", nil),
            ("git push --force origin main", "git push --force"), ("git push -f", "git push --force"),
            ("git push --force-with-lease", "git push --force"), ("git push origin main", nil),
            ("git clean -fdx", "git clean"), ("git -C sub reset --hard", "git reset --hard"),
            ("psql -c \"DROP DATABASE app\"", "drop database"), ("dropdb app", "dropdb"),
            ("echo rm -rf /", nil),
        ]
        for (line, expected) in cases {
            XCTAssertEqual(commands(line).compactMap { CommandClass.destructive($0.words) }.first, expected, line)
        }
    }

    func testNetworkAndDomains() {
        let cases: [(String, String?, [String])] = [
            ("curl -s https://api.example.com/v1/x", "curl", ["api.example.com"]),
            ("wget http://user@files.example.org:8080/a", "wget", ["files.example.org"]),
            ("git push origin main", "git push", []),
            ("git clone git@github.com:o/r.git", "git clone", ["github.com"]),
            ("npm install left-pad", "npm install", []), ("npm test", nil, []),
            ("pip install requests", "pip install", []), ("go test ./...", nil, []),
            ("curl localhost:3000", "curl", []),
        ]
        for (line, why, domains) in cases {
            let c = commands(line)[0]
            XCTAssertEqual(CommandClass.network(c.words), why, line)
            XCTAssertEqual(CommandClass.domains(c.words).filter { !CommandClass.isLoopback($0) }, domains, line)
        }
    }

    func testPrivilegeAndWrappers() {
        let sudo = commands("sudo -u root env A=1 rm -rf /var/cache/x")[0]
        XCTAssertEqual(sudo.wrappers, ["sudo", "env"])
        XCTAssertEqual(sudo.words, ["rm", "-rf", "/var/cache/x"])
        XCTAssertEqual(CommandClass.privilege(sudo.words, wrappers: sudo.wrappers), "sudo")
        XCTAssertEqual(CommandClass.destructive(sudo.words), "rm -rf")
        let chmod = commands("chmod -R 777 public")[0]
        XCTAssertEqual(CommandClass.privilege(chmod.words, wrappers: chmod.wrappers), "chmod 777")
        XCTAssertNil(CommandClass.privilege(commands("chmod 644 a")[0].words, wrappers: []))
        // `bash -c SCRIPT` is read as its script.
        let inner = commands("bash -lc 'cd x && git reset --hard'")
        XCTAssertEqual(inner.map(\.words.first), ["cd", "git"])
        XCTAssertEqual(CommandClass.destructive(inner[1].words), "git reset --hard")
    }

    func testLenientSplitSkipsHereDocumentsAndMarksUnknownExpansions() {
        let script = "tmp=$(mktemp)\ncat > \"$tmp\" <<'EOF'\n- rm -rf / > /etc/passwd\nEOF\ngh issue comment 1 --body-file \"$tmp\""
        let inspected = ShellInspection(script)
        XCTAssertFalse(inspected.exact)
        XCTAssertEqual(inspected.commands.map { $0.words.first }, ["mktemp", "cat", "gh"])
        XCTAssertEqual(inspected.commands[1].writes, [])
        let exact = ShellInspection("cp a.txt $HOME/b.txt > $OUT")
        XCTAssertTrue(exact.exact)
        XCTAssertEqual(exact.commands[0].writes, [])
        XCTAssertEqual(exact.commands[0].unknown, [2])
    }

    func testSecretPaths() {
        let cases: [(String, String?)] = [
            (".env", "env file"), ("app/.env.local", "env file"), (".env.example", nil), ("~/.ssh/id_ed25519", "ssh"),
            ("/home/u/.aws/credentials", "cloud credentials"), ("certs/server.key", "key file"), ("README.md", nil),
            ("/home/u/.netrc", "credentials file"), ("environment.ts", nil),
        ]
        for (path, kind) in cases { XCTAssertEqual(Secrets.kind(ofPath: path), kind, path) }
    }

    func testTokensInOutputAreFoundByKindAndLineNeverCopied() {
        // Built at run time so that no credential-shaped string sits in the source.
        let github = "gh" + "p_" + String(repeating: "a1B2", count: 9)
        let aws = "AK" + "IA" + String(repeating: "Q7", count: 8)
        let text = "ok\nexport GH_TOKEN=\(github)\nkey \(aws) here\n-----BEGIN OPENSSH PRIVATE KEY-----\nsk-not-long-enough"
        let found = Secrets.tokens(in: text)
        XCTAssertEqual(
            found,
            [
                Secrets.Token(kind: "a GitHub token", line: 2), Secrets.Token(kind: "an AWS access key id", line: 3),
                Secrets.Token(kind: "a private key", line: 4),
            ])
    }
}

extension CommandClassTests {
    /// The one-pass scan for credential prefixes answers as a search for each prefix does:
    /// each prefix at the start, the middle and the end of texts, cut short by a byte, next to
    /// multi-byte characters and to the bytes of other prefixes.
    func testMayHoldTokenFindsEachPrefixWhereverItIs() {
        func search(_ text: String) -> Bool {
            let hay = Array(text.utf8)
            return Secrets.prefixBytes.contains { needle in
                hay.count >= needle.count && (0...(hay.count - needle.count)).contains { hay[$0..<($0 + needle.count)].elementsEqual(needle) }
            }
        }
        var texts = ["", "s", "sk", "gh", "AK", "é", "plain text with no prefix at all", "ask-me", "ghost_", "xo", "hf"]
        for (prefix, _, _) in Secrets.prefixes {
            let cut = String(prefix.dropLast())
            for (before, after) in [("", ""), ("x", ""), ("", "y"), ("é ", " ü"), ("s", "k"), ("\n", "\r\n"), ("ssk", "-")] {
                texts += [before + prefix + after, before + cut + after, cut + before + prefix, before + cut]
            }
        }
        for text in texts { XCTAssertEqual(Secrets.mayHoldToken(text), search(text), text.debugDescription) }
        XCTAssertTrue(Secrets.mayHoldToken("a" + "AK" + "IA"))
        XCTAssertFalse(Secrets.mayHoldToken("AKI sk gh_ hf"))
    }

    /// A path of printable ASCII is judged by its bytes as its characters judge it: every
    /// rule's folders and base names, the neighbours of each (a letter more or less), empty
    /// parts, a slash at the end, and paths the byte reading leaves to the characters'.
    func testSecretPathsByBytesAsByCharacters() {
        let names =
            [".ssh", ".aws", ".config", "gcloud", ".azure", ".kube", ".docker", ".gnupg", "~", "", "src", ".env", ".env.local", ".env.example"]
            + ["id_rsa", "id_ed25519.pub", "id_dsa", "x.pem", ".pem", "a.key", "b.keystore", "credentials", "config", "config.json"]
            + ["k.json", "application_default_credentials.json", "service-account.json", "credentials.json", ".netrc", ".pgpass"]
            + [".htpasswd", "ssh", ".ss", "aws", ".gnup", "gcloud2", "x.asc", "x.gpg", "x.p12", ".defaults", "a.pemx", "id_", "é", "\u{212A}"]
        var paths: [String] = []
        for a in names {
            for b in names {
                for c in ["", "/", "//"] {
                    paths += [a + "/" + b + c, "/" + a + "/" + b + c, "~/" + a + "//" + b + c, a + c]
                    paths += ["home/" + a + "/" + b + "/x.json" + c, "/h/" + a + "/" + b + "/config" + c, b + "/" + a + "/" + b + c]
                }
            }
        }
        paths += ["", "/", "//", "~/.ssh", "~/.ssh/", ".env\r\n", "a\tb/.env", "x/.ssh\u{301}/id", "\r\n.pem"]
        for path in paths { XCTAssertEqual(Secrets.kind(ofPath: path), Secrets.kindByCharacters(path), path.debugDescription) }
        XCTAssertEqual(Secrets.kind(ofPath: "/home/u/.config/gcloud/x"), "cloud credentials")
        XCTAssertEqual(Secrets.kind(ofPath: "a/.kube/config/"), "cloud credentials")
        XCTAssertNil(Secrets.kind(ofPath: "src/main.swift"))
    }

    /// A path is inside the root by its characters: a root with `K` matches a path written with
    /// the Kelvin sign, a combining mark after the root's last character is not inside it.
    func testPathsResolveAgainstTheRootByCharacters() {
        let context = Request.Context(repoRoot: "/home/Kate/repo")
        func resolve(_ p: String) -> Request.FilePath {
            Request.resolve(p, cwd: "/home/Kate/repo", normalRoot: context.normalRoot, rootPrefix: context.rootPrefix)
        }
        XCTAssertEqual(resolve("src/a.swift"), Request.FilePath(path: "src/a.swift", insideRepository: true))
        XCTAssertEqual(resolve("/home/Kate/repo/src/a.swift"), Request.FilePath(path: "src/a.swift", insideRepository: true))
        XCTAssertEqual(resolve("/home/\u{212A}ate/repo/src/a.swift"), Request.FilePath(path: "src/a.swift", insideRepository: true))
        XCTAssertEqual(resolve("/home/Kate/repo/\u{301}x"), Request.FilePath(path: "/home/Kate/repo/\u{301}x", insideRepository: false))
        XCTAssertEqual(resolve("/home/Kate/repo"), Request.FilePath(path: ".", insideRepository: true))
        XCTAssertEqual(resolve("/home/Kate/repository/a"), Request.FilePath(path: "/home/Kate/repository/a", insideRepository: false))
        XCTAssertEqual(resolve("~/.ssh/id_rsa"), Request.FilePath(path: "~/.ssh/id_rsa", insideRepository: false))
        let top = Request.Context(repoRoot: "/")
        XCTAssertEqual(Request.resolve("/etc/x", cwd: "/", normalRoot: top.normalRoot, rootPrefix: top.rootPrefix).path, "etc/x")
    }

    func testACredentialInACommandLineIsRedactedAndReported() throws {
        let token = "gh" + "p_" + String(repeating: "Z9y8", count: 9)
        // As an importer hands it: with the canonical shell-call attributes.
        let span = ShellCalls.canonical(
            Span(
                id: Span.ID("s"), kind: .tool, name: "Bash", status: .ok,
                attributes: Attributes([(GenAI.toolName, .string("Bash")), (GenAI.toolCallID, .string("c"))]),
                input: .object([("command", .string("GH_TOKEN=\(token) gh pr create"))]), output: .string("ok")), agent: .claudeCode)
        let audit = Audit(Trace(header: Trace.Header(traceID: "t", agentName: "claude-code"), spans: [span]))
        let request = audit.rows[0].request
        XCTAssertEqual(request.command, "GH_TOKEN=[redacted] gh pr create")
        XCTAssertEqual(request.commands.map(\.text), ["gh pr create"])
        XCTAssertEqual(audit.risks.map(\.what), ["a GitHub token in the command line", "gh pr"])
        XCTAssertFalse(audit.risks.contains { $0.what.contains(token) })
    }
}
