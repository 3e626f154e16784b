import Trace

/// What a session may do, as globs: a policy file (`docs/audit.md`, example in
/// `docs/audit-policy.json`) that `audit --policy` checks a session against.
///
/// The file is JSON: `version` (1), and lists of globs `deny_write`, `deny_read`,
/// `deny_command`, `allow_domain`. A member it does not know, a value of the wrong type or a
/// glob that cannot match is refused with the file, the line and the field.
public struct Policy: Sendable {
    public struct Rule: Sendable {
        public var glob: Glob
        /// The line of the policy file the glob is on.
        public var line: Int
    }

    public var file: String
    /// Paths (repository-relative, or absolute outside it) the session must not write.
    public var denyWrite: [Rule]
    /// Paths the session must not read.
    public var denyRead: [Rule]
    /// Simple commands (words joined by one space) the session must not run.
    public var denyCommand: [Rule]
    /// When given, the only hosts the session may reach.
    public var allowDomain: [Rule]?

    public static let members = ["version", "deny_write", "deny_read", "deny_command", "allow_domain"]

    /// Reads the policy file at `path`; errors name `displayName`, the line and the field.
    public static func load(path: String, displayName: String) throws(TraceError) -> Policy {
        let document = try LocatedJSON(path: path, displayName: displayName)
        return try parse(document, file: displayName)
    }

    static func parse(_ document: LocatedJSON, file: String) throws(TraceError) -> Policy {
        func error(_ offset: Int?, _ field: String?, _ message: String) -> TraceError {
            TraceError(file: file, line: offset.map(document.line(of:)) ?? 1, field: field, message: message)
        }
        guard let members = document.root.objectValue else {
            throw error(document.rootOffset, nil, "a policy is a JSON object with lists of globs (docs/audit.md)")
        }
        var policy = Policy(file: file, denyWrite: [], denyRead: [], denyCommand: [], allowDomain: nil)
        var seen = Set<String>()
        for (name, value) in members {
            let at = document.member(name, at: document.rootOffset)
            guard seen.insert(name).inserted else { throw error(at, name, "given twice") }
            switch name {
            case "version":
                guard value.intValue == 1 else {
                    throw error(
                        at, name,
                        "unsupported version \(value.typeDescription == "number" ? "" : "of type ")\(Self.text(value)); this agentreplay reads version 1"
                    )
                }
            case "deny_write", "deny_read", "deny_command", "allow_domain":
                guard let items = value.arrayValue else { throw error(at, name, "expected a list of globs, found \(value.typeDescription)") }
                let lines = document.elementLines(at: at, count: items.count)
                var rules: [Rule] = []
                for (i, item) in items.enumerated() {
                    let field = "\(name)[\(i)]"
                    let line = lines[i]
                    guard let pattern = item.stringValue else {
                        throw TraceError(file: file, line: line, field: field, message: "expected a glob (a string), found \(item.typeDescription)")
                    }
                    do {
                        rules.append(Rule(glob: try Self.glob(pattern, for: name), line: line))
                    } catch {
                        throw TraceError(file: file, line: line, field: field, message: "\"\(pattern)\" cannot match: \(error.reason)")
                    }
                }
                switch name {
                case "deny_write": policy.denyWrite = rules
                case "deny_read": policy.denyRead = rules
                case "deny_command": policy.denyCommand = rules
                default: policy.allowDomain = rules
                }
            default:
                throw error(at, name, "unknown member; a policy has \(members.count == 0 ? "" : "")\(Self.members.joined(separator: ", "))")
            }
        }
        return policy
    }

    static func text(_ value: JSON) -> String {
        if let s = value.stringValue { return "\"\(s.prefix(40))\"" }
        return value.typeDescription
    }

    /// A rule's glob, refused when no path, command or host could ever match it.
    static func glob(_ pattern: String, for member: String) throws(Glob.Invalid) -> Glob {
        if pattern.contains(where: { $0.isNewline || $0 == "\0" }) {
            throw Glob.Invalid(
                reason:
                    "it holds a line break or NUL, which no \(member == "allow_domain" ? "host" : member == "deny_command" ? "command" : "path") does"
            )
        }
        switch member {
        case "deny_write", "deny_read":
            let body = pattern.hasPrefix("~/") ? String(pattern.dropFirst(2)) : (pattern.hasPrefix("/") ? String(pattern.dropFirst()) : pattern)
            if pattern.hasSuffix("/") && pattern != "/" {
                throw Glob.Invalid(reason: "a path never ends in '/' (for everything below a folder write \(pattern)**)")
            }
            if pattern.contains("//") { throw Glob.Invalid(reason: "a path never holds '//'") }
            let segments = body.split(separator: "/", omittingEmptySubsequences: false)
            if segments.contains(where: { $0 == "." || $0 == ".." }) {
                throw Glob.Invalid(reason: "paths are compared with '.' and '..' resolved, so a '.' or '..' segment never matches")
            }
            if let bad = segments.first(where: { $0.contains("**") && $0 != "**" }) {
                throw Glob.Invalid(reason: "'**' must be a whole segment (\(bad) is not)")
            }
            return try Glob(pattern, flavour: .path)
        case "deny_command":
            if pattern.first?.isWhitespace == true || pattern.last?.isWhitespace == true {
                throw Glob.Invalid(reason: "a command's words are joined without spaces at either end")
            }
            if pattern.contains("  ") || pattern.contains("\t") {
                throw Glob.Invalid(reason: "a command's words are joined by one space")
            }
            return try Glob(pattern, flavour: .text)
        default:
            if pattern.contains(where: { $0 == "/" || $0 == ":" || $0 == "@" || $0.isWhitespace }) {
                throw Glob.Invalid(reason: "a host holds no '/', ':', '@' or space (write the host alone: example.com)")
            }
            if pattern.contains(where: \.isUppercase) {
                throw Glob.Invalid(reason: "hosts are compared in lower case")
            }
            if pattern.hasPrefix(".") || pattern.hasSuffix(".") || pattern.contains("..") {
                throw Glob.Invalid(reason: "a host has no empty label")
            }
            return try Glob(pattern, flavour: .text)
        }
    }
}

/// A call a policy rule refuses.
public struct Violation: Sendable {
    /// `deny_write`, `deny_read`, `deny_command` or `allow_domain`.
    public var member: String
    /// The glob that matched (for `allow_domain`, none did: nil).
    public var pattern: String?
    /// The line of the policy file the rule is on (for `allow_domain`, the member's first).
    public var policyLine: Int?
    public var location: Location
    public var tool: String
    /// What the call did that the rule refuses: the path, the command, the host.
    public var what: String
    /// Whether the call was refused anyway (it did not run).
    public var refused: Bool
}

extension Policy {
    /// The violations of `rows`, in the order of the calls, then of the rules.
    public func check(_ rows: [Row]) -> [Violation] {
        var out: [Violation] = []
        for row in rows {
            func add(_ member: String, _ rule: Rule?, _ what: String) {
                out.append(
                    Violation(
                        member: member, pattern: rule?.glob.pattern, policyLine: rule?.line, location: row.location,
                        tool: row.request.tool, what: what, refused: row.decision.refused))
            }
            for path in row.request.writes {
                if let rule = denyWrite.first(where: { Self.matches($0.glob, path) }) { add("deny_write", rule, path.path) }
            }
            for path in row.request.reads {
                if let rule = denyRead.first(where: { Self.matches($0.glob, path) }) { add("deny_read", rule, path.path) }
            }
            for command in row.request.commands where !command.words.isEmpty {
                if let rule = denyCommand.first(where: { $0.glob.matches(command.text) }) { add("deny_command", rule, Risk.short(command.text)) }
            }
            if let allowDomain {
                for domain in row.request.domains where !allowDomain.contains(where: { $0.glob.matches(domain) }) {
                    out.append(
                        Violation(
                            member: "allow_domain", pattern: nil, policyLine: nil, location: row.location,
                            tool: row.request.tool, what: domain, refused: row.decision.refused))
                }
            }
        }
        return out
    }

    /// A path glob against a path: repository paths as they are, paths outside it only by
    /// absolute (`/…`) or home (`~/…`) globs.
    static func matches(_ glob: Glob, _ path: Request.FilePath) -> Bool {
        let absolute = glob.pattern.hasPrefix("/") || glob.pattern.hasPrefix("~/")
        return absolute != path.insideRepository && glob.matches(path.path)
    }
}
