#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Trace

/// Secret files by their path, and credentials printed in tool output. A finding names the
/// kind of secret and where it is, never its value.
enum Secrets {
    /// What kind of secret a path names, or nil.
    static func kind(ofPath raw: String) -> String? {
        var path = raw
        if let kind = path.withUTF8(kindOfPrintableASCII) { return kind }
        return kindByCharacters(raw)
    }

    /// Base names of env files that are templates: they hold no secrets by convention.
    static let envTemplates: [StaticString] = [".example", ".sample", ".template", ".dist", ".defaults"]
    static let sshKeyPrefixes: [StaticString] = ["id_rsa", "id_ed25519", "id_ecdsa", "id_dsa"]
    static let keyExtensions: [StaticString] = [".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".asc", ".gpg"]
    static let cloudCredentialFiles: [StaticString] = ["application_default_credentials.json", "service-account.json", "credentials.json"]
    static let credentialFiles: [StaticString] = [".netrc", ".npmrc", ".pypirc", ".git-credentials", ".pgpass", ".htpasswd"]

    /// `kindByCharacters` by the path's bytes, for a path of printable ASCII alone (each
    /// character one byte, `/` always a separator, no two characters joined): nil when the
    /// path is not; else the same answer, without the parts made into Strings (most paths a
    /// log names are checked here, every file a call reads or writes and every word of a
    /// command).
    static func kindOfPrintableASCII(_ path: UnsafeBufferPointer<UInt8>) -> String?? {
        for byte in path where byte < 0x20 || byte > 0x7E { return .none }
        let slash = UInt8(ascii: "/")
        // The base: the last non-empty part.
        var baseEnd = path.count
        while baseEnd > 0, path[baseEnd - 1] == slash { baseEnd -= 1 }
        var baseStart = baseEnd
        while baseStart > 0, path[baseStart - 1] != slash { baseStart -= 1 }
        guard baseEnd > baseStart else { return .some(nil) }
        let base = UnsafeBufferPointer(rebasing: path[baseStart..<baseEnd])
        func equal(_ part: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
            part.count == s.utf8CodeUnitCount && memcmp(part.baseAddress!, s.utf8Start, part.count) == 0
        }
        func hasPrefix(_ part: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
            part.count >= s.utf8CodeUnitCount && memcmp(part.baseAddress!, s.utf8Start, s.utf8CodeUnitCount) == 0
        }
        func hasSuffix(_ part: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
            part.count >= s.utf8CodeUnitCount && memcmp(part.baseAddress! + part.count - s.utf8CodeUnitCount, s.utf8Start, s.utf8CodeUnitCount) == 0
        }
        // The folders: the non-empty parts before the base.
        var ssh = equal(base, ".ssh"), aws = false, gcloud = false, azure = false, kube = false, docker = false, gnupg = false
        var last: UnsafeBufferPointer<UInt8>?, beforeLast: UnsafeBufferPointer<UInt8>?
        var at = 0
        while at < baseStart {
            var end = at
            while end < baseStart, path[end] != slash { end += 1 }
            if end > at {
                let folder = UnsafeBufferPointer(rebasing: path[at..<end])
                if equal(folder, ".ssh") { ssh = true }
                if equal(folder, ".aws") { aws = true }
                if equal(folder, "gcloud") { gcloud = true }
                if equal(folder, ".azure") { azure = true }
                if equal(folder, ".kube") { kube = true }
                if equal(folder, ".docker") { docker = true }
                if equal(folder, ".gnupg") { gnupg = true }
                beforeLast = last
                last = folder
            }
            at = end + 1
        }
        if ssh { return "ssh" }
        if equal(base, ".env") || hasPrefix(base, ".env.") {
            return envTemplates.contains { hasSuffix(base, $0) } ? .some(nil) : "env file"
        }
        if sshKeyPrefixes.contains(where: { hasPrefix(base, $0) }) { return "ssh key" }
        if keyExtensions.contains(where: { hasSuffix(base, $0) && base.count > $0.utf8CodeUnitCount }) { return "key file" }
        if aws && (equal(base, "credentials") || equal(base, "config")) { return "cloud credentials" }
        if let last, let beforeLast, equal(beforeLast, ".config"), equal(last, "gcloud") { return "cloud credentials" }
        if gcloud && hasSuffix(base, ".json") { return "cloud credentials" }
        if azure || kube && equal(base, "config") { return "cloud credentials" }
        if cloudCredentialFiles.contains(where: { equal(base, $0) }) { return "cloud credentials" }
        if credentialFiles.contains(where: { equal(base, $0) }) { return "credentials file" }
        if docker && equal(base, "config.json") { return "credentials file" }
        if gnupg { return "key file" }
        return .some(nil)
    }

    /// What kind of secret a path names, or nil, its parts compared as characters.
    static func kindByCharacters(_ raw: String) -> String? {
        let path = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        let parts = path.split(separator: "/")
        guard let base = parts.last.map(String.init), !base.isEmpty else { return nil }
        let folders = parts.dropLast().map(String.init)
        if folders.contains(".ssh") || path == "~/.ssh" || base == ".ssh" { return "ssh" }
        if base == ".env" || base.hasPrefix(".env.") {
            return envTemplates.contains { base.hasSuffix("\($0)") } ? nil : "env file"
        }
        if sshKeyPrefixes.contains(where: { base.hasPrefix("\($0)") }) { return "ssh key" }
        for ext in keyExtensions.map({ "\($0)" }) where base.hasSuffix(ext) && base.count > ext.count {
            return "key file"
        }
        if folders.contains(".aws") && (base == "credentials" || base == "config") { return "cloud credentials" }
        if folders.suffix(2) == [".config", "gcloud"] || folders.contains("gcloud") && base.hasSuffix(".json") { return "cloud credentials" }
        if folders.contains(".azure") || folders.contains(".kube") && base == "config" { return "cloud credentials" }
        if cloudCredentialFiles.contains(where: { base == "\($0)" }) { return "cloud credentials" }
        if credentialFiles.contains(where: { base == "\($0)" }) { return "credentials file" }
        if folders.contains(".docker") && base == "config.json" { return "credentials file" }
        if folders.contains(".gnupg") { return "key file" }
        return nil
    }

    /// A credential found in a text: its kind and the 1-based line of the text it is on.
    struct Token: Equatable {
        var kind: String
        var line: Int
    }

    /// Prefixes of credentials with a fixed shape: the prefix, the least number of token
    /// characters after it, and what it is.
    static let prefixes: [(String, Int, String)] = [
        ("sk-ant-", 32, "an Anthropic API key"),
        ("sk-proj-", 32, "an OpenAI API key"),
        ("ghp_", 30, "a GitHub token"), ("gho_", 30, "a GitHub token"), ("ghu_", 30, "a GitHub token"),
        ("ghs_", 30, "a GitHub token"), ("ghr_", 30, "a GitHub token"), ("github_pat_", 40, "a GitHub token"),
        ("glpat-", 20, "a GitLab token"),
        ("xoxb-", 20, "a Slack token"), ("xoxp-", 20, "a Slack token"), ("xapp-", 20, "a Slack token"),
        ("AKIA", 16, "an AWS access key id"), ("ASIA", 16, "an AWS access key id"),
        ("AIza", 35, "a Google API key"),
        ("npm_", 36, "an npm token"),
        ("sk_live_", 24, "a Stripe secret key"), ("rk_live_", 24, "a Stripe key"),
        ("hf_", 34, "a Hugging Face token"),
        ("sk-", 40, "an API key"),
    ]

    /// Credentials in `text`, at most one finding per line.
    static func tokens(in text: String) -> [Token] {
        // Most outputs hold no prefix at all: one byte search each, no line splitting.
        guard mayHoldToken(text) || text.firstUTF8Range(of: "PRIVATE KEY-----") != nil else { return [] }
        var found: [Token] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.firstUTF8Range(of: "-----BEGIN") != nil && line.firstUTF8Range(of: "PRIVATE KEY-----") != nil {
                found.append(Token(kind: "a private key", line: lineNumber))
                continue
            }
            if let kind = token(in: line) { found.append(Token(kind: kind, line: lineNumber)) }
        }
        return found
    }

    /// `text` with every credential replaced by `[redacted]` (one word, so a command keeps its
    /// words), and the kinds found.
    static func redact(_ text: String) -> (text: String, kinds: [String]) {
        guard mayHoldToken(text) else { return (text, []) }
        var kinds: [String] = []
        var out = ""
        var rest = Substring(text)
        outer: while !rest.isEmpty {
            for (prefix, least, kind) in prefixes {
                guard rest.hasPrefix(prefix) else { continue }
                let body = rest.dropFirst(prefix.count).prefix(while: isTokenCharacter)
                let before = out.last
                let upperOnly = prefix == "AKIA" || prefix == "ASIA"
                let shaped =
                    upperOnly
                    ? body.count == least && body.allSatisfy { $0.isUppercase || $0.isNumber }
                    : body.count >= least && body.contains(where: \.isNumber) && body.contains(where: \.isLetter)
                if shaped, before.map({ !isTokenCharacter($0) }) ?? true {
                    out += "[redacted]"
                    kinds.append(kind)
                    rest = rest.dropFirst(prefix.count + body.count)
                    continue outer
                }
            }
            out.append(rest.removeFirst())
        }
        return (out, kinds)
    }

    /// The prefixes' bytes, made once (not once per search).
    static let prefixBytes: [[UInt8]] = prefixes.map { Array($0.0.utf8) }

    /// The prefixes' first two bytes, as bits of a 65,536-bit table: the pair `a b` is bit
    /// `a << 8 | b` (every prefix has at least three bytes).
    static let prefixPairs: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 1024)
        for prefix in prefixBytes {
            let pair = Int(prefix[0]) << 8 | Int(prefix[1])
            bits[pair >> 6] |= 1 << UInt64(pair & 63)
        }
        return bits
    }()

    /// Whether some credential prefix occurs in `text` at all (nothing can be found otherwise):
    /// one pass over the text's bytes, each pair of bytes looked up in `prefixPairs`, the
    /// prefixes compared only where a pair starts one. Twenty `memmem` passes, one per prefix,
    /// cost about 80 instructions a byte of a tool's output (each search's set-up outweighs
    /// the short texts it searches).
    static func mayHoldToken(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { hay in
            guard let base = hay.baseAddress, hay.count >= 2 else { return false }
            return prefixPairs.withUnsafeBufferPointer { bits in
                var first = base[0]
                for i in 1..<hay.count {
                    let second = base[i]
                    defer { first = second }
                    let pair = Int(first) << 8 | Int(second)
                    guard bits[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else { continue }
                    let start = i - 1, left = hay.count - start
                    for prefix in prefixBytes where prefix.count <= left && prefix[0] == first && prefix[1] == second {
                        if prefix.withUnsafeBytes({ memcmp(base + start, $0.baseAddress!, prefix.count) }) == 0 { return true }
                    }
                }
                return false
            }
        }
    }

    static func isTokenCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-")
    }

    static func token(in line: Substring) -> String? {
        for (prefix, least, kind) in prefixes {
            var search = line[...]
            while let range = search.firstUTF8Range(of: prefix) {
                // The prefix starts a token: nothing of a token just before it.
                let before = range.lowerBound == line.startIndex ? nil : line[line.index(before: range.lowerBound)]
                let body = line[range.upperBound...].prefix(while: isTokenCharacter)
                let upperOnly = prefix == "AKIA" || prefix == "ASIA"
                let shaped =
                    upperOnly
                    ? body.count == least && body.allSatisfy { $0.isUppercase || $0.isNumber }
                    : body.count >= least && body.contains(where: \.isNumber) && body.contains(where: \.isLetter)
                if shaped, before.map({ !isTokenCharacter($0) }) ?? true { return kind }
                search = line[range.upperBound...]
            }
        }
        return nil
    }

    /// The text of a tool's output (a string, content blocks, or an object's `output`).
    static func outputText(_ output: JSON?) -> String? {
        guard let output else { return nil }
        if let s = output.stringValue { return s }
        if let blocks = output.arrayValue { return blocks.compactMap { $0["text"]?.stringValue }.joined(separator: "\n") }
        return output["output"]?.stringValue ?? output["stdout"]?.stringValue
    }
}
