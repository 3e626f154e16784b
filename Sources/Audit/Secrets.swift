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
        let path = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        let parts = path.split(separator: "/")
        guard let base = parts.last.map(String.init), !base.isEmpty else { return nil }
        let folders = parts.dropLast().map(String.init)
        if folders.contains(".ssh") || path == "~/.ssh" || base == ".ssh" { return "ssh" }
        if base == ".env" || base.hasPrefix(".env.") {
            // Templates hold no secrets by convention.
            let templates = [".example", ".sample", ".template", ".dist", ".defaults"]
            return templates.contains { base.hasSuffix($0) } ? nil : "env file"
        }
        if base.hasPrefix("id_rsa") || base.hasPrefix("id_ed25519") || base.hasPrefix("id_ecdsa") || base.hasPrefix("id_dsa") { return "ssh key" }
        for ext in [".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".asc", ".gpg"] where base.hasSuffix(ext) && base.count > ext.count {
            return "key file"
        }
        if folders.contains(".aws") && (base == "credentials" || base == "config") { return "cloud credentials" }
        if folders.suffix(2) == [".config", "gcloud"] || folders.contains("gcloud") && base.hasSuffix(".json") { return "cloud credentials" }
        if folders.contains(".azure") || folders.contains(".kube") && base == "config" { return "cloud credentials" }
        if base == "application_default_credentials.json" || base == "service-account.json" || base == "credentials.json" {
            return "cloud credentials"
        }
        if [".netrc", ".npmrc", ".pypirc", ".git-credentials", ".pgpass", ".htpasswd"].contains(base) { return "credentials file" }
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
