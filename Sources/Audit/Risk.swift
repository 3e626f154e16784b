import Trace

/// A call of a risky class, and where it is.
public struct Risk: Sendable {
    public enum Class: String, Sendable, CaseIterable {
        /// A write outside the repository.
        case outsideWrite = "write_outside_repository"
        /// A read of a secret file, or a credential printed in a tool's output.
        case secret
        /// Network access: web tools, `curl`, package installs, `git push`.
        case network
        /// A command that destroys data: `rm -rf`, `git reset --hard`, `git push --force`.
        case destructive
        /// `sudo`, `chmod 777`.
        case privilege

        public var words: String {
            switch self {
            case .outsideWrite: "write outside the repository"
            case .secret: "secret"
            case .network: "network"
            case .destructive: "destructive"
            case .privilege: "privilege"
            }
        }
    }

    public var riskClass: Class
    public var location: Location
    public var tool: String
    /// What it is, in a few words: the path, the command's name, the kind of secret and
    /// where in the output (never the secret).
    public var what: String
    /// The host reached, for network access, when the log shows it.
    public var domain: String?
    /// Whether the call was refused (it did not run).
    public var refused: Bool

    static func find(in row: Row, span: Span, request: Request) -> [Risk] {
        var risks: [Risk] = []
        func add(_ c: Class, _ what: String, domain: String? = nil) {
            guard !risks.contains(where: { $0.riskClass == c && $0.what == what && $0.domain == domain }) else { return }
            risks.append(Risk(riskClass: c, location: row.location, tool: request.tool, what: what, domain: domain, refused: row.decision.refused))
        }
        for path in request.writes where !path.insideRepository && !Request.isTemporary(path.path) { add(.outsideWrite, path.path) }
        for path in request.reads + request.writes {
            if let kind = Secrets.kind(ofPath: path.path) { add(.secret, kind + " " + path.path) }
        }
        for kind in request.secretsInCommand { add(.secret, kind + " in the command line") }
        if !row.decision.refused, let text = Secrets.outputText(span.output) {
            for token in Secrets.tokens(in: text) { add(.secret, "\(token.kind) in the output, line \(token.line)") }
        }
        if request.kind == .web {
            let what = request.query.map { "search “" + Self.short($0) + "”" } ?? "web access"
            if request.domains.isEmpty { add(.network, what) }
            for d in request.domains { add(.network, what, domain: d) }
        }
        for c in request.commands {
            if let why = CommandClass.network(c.words) {
                let all = CommandClass.domains(c.words)
                let domains = all.filter { !CommandClass.isLoopback($0) }
                // Only this machine (`curl localhost:3000`) is not network access.
                if all.isEmpty { add(.network, why) }
                for d in Request.unique(domains) { add(.network, why, domain: d) }
            }
            if let why = CommandClass.destructive(c.words) { add(.destructive, why + ": " + Self.short(c.text)) }
            if let why = CommandClass.privilege(c.words, wrappers: c.wrappers) { add(.privilege, why + ": " + Self.short(c.text)) }
        }
        return risks
    }

    /// The first 80 characters of a command, on one line.
    static func short(_ text: String) -> String {
        let one = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return one.count > 80 ? String(one.prefix(79)) + "…" : one
    }
}

extension Risk {
    /// A command line's first line, at most 80 characters.
    public static func shortText(_ text: String) -> String { short(text) }
}
