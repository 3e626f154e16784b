import Trace

/// Glossary of sessions.
///
/// - **Store**: where an agent keeps its own session logs on this machine (Claude Code's
///   `~/.claude/projects/`, Codex's `~/.codex/sessions/`, Gemini CLI's `~/.gemini/tmp/`,
///   OpenCode's `~/.local/share/opencode/storage/`), found from the environment
///   (`SessionStores`).
/// - **Session file**: one log found in a store, with its size and modification time
///   (`SessionFile`).
/// - **Summary**: what a listing says of a session, from its header and its spans' counts
///   (`SessionSummary`).
/// - **Cache**: the summaries already read, keyed by path, size and modification time
///   (`SessionCache`).
/// - **Session name**: `last`, `last~N` or an id prefix, resolved against a repository's
///   sessions (`SessionName`).
///
/// The stores, from an environment (`HOME`, `CLAUDE_CONFIG_DIR`, `CODEX_HOME`,
/// `GEMINI_CLI_HOME`, `XDG_DATA_HOME`, `XDG_CACHE_HOME`), so tests run on a home folder of
/// their own.
public struct SessionStores: Sendable {
    /// Claude Code: `$CLAUDE_CONFIG_DIR/projects` and `~/.claude/projects`, each holding one
    /// folder per working directory (its path with every character other than a letter or a
    /// digit written `-`) of `<session id>.jsonl` files.
    public var claudeProjects: [String]
    /// Codex: `$CODEX_HOME/sessions` (default `~/.codex`), `YYYY/MM/DD/rollout-*.jsonl`, and
    /// `archived_sessions`.
    public var codexSessions: [String]
    /// Gemini CLI: `~/.gemini/tmp` (`$GEMINI_CLI_HOME/.gemini/tmp`), one folder per project
    /// (its path's SHA-256, or since the project registry a short name with a `.project_root`
    /// file naming the path) with `chats/session-*.json` or `.jsonl`.
    public var geminiTmp: String
    /// OpenCode: `$XDG_DATA_HOME/opencode/storage` (default `~/.local/share`), its JSON file
    /// storage: `session/<project id>/<session id>.json`, `message/…`, `part/…`.
    public var openCodeStorage: String
    /// The cache of summaries: `$XDG_CACHE_HOME/agentreplay/sessions.ndjson` (default `~/.cache`).
    public var cacheFile: String

    public init(environment: [String: String]) {
        func value(_ name: String) -> String? {
            guard let v = environment[name], !v.isEmpty else { return nil }
            return v.count > 1 && v.hasSuffix("/") ? String(v.dropLast()) : v
        }
        let home = value("HOME") ?? "/"
        var claude: [String] = []
        if let config = value("CLAUDE_CONFIG_DIR") { claude.append(config + "/projects") }
        if !claude.contains(home + "/.claude/projects") { claude.append(home + "/.claude/projects") }
        claudeProjects = claude
        let codex = value("CODEX_HOME") ?? home + "/.codex"
        codexSessions = [codex + "/sessions", codex + "/archived_sessions"]
        geminiTmp = (value("GEMINI_CLI_HOME") ?? home) + "/.gemini/tmp"
        openCodeStorage = (value("XDG_DATA_HOME") ?? home + "/.local/share") + "/opencode/storage"
        cacheFile = (value("XDG_CACHE_HOME") ?? home + "/.cache") + "/agentreplay/sessions.ndjson"
    }

    /// Claude Code's name for the folder of a working directory.
    public static func claudeFolderName(_ directory: String) -> String {
        String(directory.unicodeScalars.map { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) ? Character($0) : "-" })
    }
}

/// One session log found in a store.
struct SessionFile: Sendable {
    var path: String
    var format: String
    /// The agent's own session id, from the file name.
    var id: String
    var stat: FileSystem.Stat
    /// Another modification time the summary depends on (OpenCode: its message folder's).
    var stamp: Int64
    /// Whether the store's layout already says this file belongs to the repository (a Claude
    /// Code project folder named for it): a log that fails to parse is listed with it then.
    var inRepositoryFolder: Bool
}

extension SessionStores {
    /// Every session file of every store; `repository` (the top of a working tree), when
    /// given, skips Claude Code project folders named for other directories. A store that
    /// cannot be read adds a note and is skipped.
    func files(repository: String?, notes: inout [String]) -> [SessionFile] {
        var found: [SessionFile] = []
        func list(_ path: String) -> [FileSystem.Entry] {
            do { return try FileSystem.entries(path) } catch {
                notes.append("\(error.path): cannot read (\(error.reason)): skipped")
                return []
            }
        }
        func add(_ path: String, _ format: SourceFormat, id: String, stamp: Int64 = 0, inRepositoryFolder: Bool = false) {
            guard let stat = FileSystem.stat(path), !stat.isDirectory else { return }
            found.append(SessionFile(path: path, format: format.rawValue, id: id, stat: stat, stamp: stamp, inRepositoryFolder: inRepositoryFolder))
        }

        // Claude Code.
        let wanted = repository.map { Self.claudeFolderName($0) }
        for projects in claudeProjects {
            for folder in list(projects) where folder.isDirectory {
                var inRepository = false
                if let wanted {
                    guard folder.name == wanted || folder.name.hasPrefix(wanted + "-") else { continue }
                    inRepository = folder.name == wanted
                }
                for file in list(projects + "/" + folder.name) where !file.isDirectory && file.name.hasSuffix(".jsonl") {
                    add("\(projects)/\(folder.name)/\(file.name)", .claudeCode, id: String(file.name.dropLast(6)), inRepositoryFolder: inRepository)
                }
            }
        }

        // Codex: sessions/YYYY/MM/DD/rollout-*.jsonl, archived_sessions/rollout-*.jsonl.
        func codex(_ folder: String, depth: Int) {
            for entry in list(folder) {
                if entry.isDirectory {
                    if depth < 3 { codex(folder + "/" + entry.name, depth: depth + 1) }
                } else if entry.name.hasPrefix("rollout-"), entry.name.hasSuffix(".jsonl") {
                    add(folder + "/" + entry.name, .codex, id: Self.codexID(entry.name))
                }
            }
        }
        for folder in codexSessions { codex(folder, depth: 0) }

        // Gemini CLI.
        for project in list(geminiTmp) where project.isDirectory {
            let chats = "\(geminiTmp)/\(project.name)/chats"
            for file in list(chats)
            where !file.isDirectory && file.name.hasPrefix("session-")
                && (file.name.hasSuffix(".json") || file.name.hasSuffix(".jsonl"))
            {
                add(chats + "/" + file.name, .gemini, id: Self.geminiID(file.name))
            }
        }

        // OpenCode.
        let sessions = openCodeStorage + "/session"
        for project in list(sessions) where project.isDirectory {
            for file in list(sessions + "/" + project.name) where !file.isDirectory && file.name.hasSuffix(".json") {
                let id = String(file.name.dropLast(5))
                let stamp = FileSystem.stat("\(openCodeStorage)/message/\(id)")?.modified ?? 0
                add("\(sessions)/\(project.name)/\(file.name)", .openCode, id: id, stamp: stamp)
            }
        }
        return found
    }

    /// `rollout-2025-06-01T10-00-00-<uuid>.jsonl` → the uuid (the session id).
    static func codexID(_ name: String) -> String {
        let stem = name.hasSuffix(".jsonl") ? String(name.dropLast(6)) : name
        let tail = stem.suffix(36)
        if tail.count == 36, tail.filter({ $0 == "-" }).count == 4, tail.allSatisfy({ $0 == "-" || $0.isHexDigit }) { return String(tail) }
        return stem
    }

    /// `session-2025-10-18T14-57-8d3f1c2e.json` → `8d3f1c2e` (the start of the session id,
    /// which is all the name keeps).
    static func geminiID(_ name: String) -> String {
        var stem = name.hasSuffix(".jsonl") ? String(name.dropLast(6)) : name
        if stem.hasSuffix(".json") { stem = String(stem.dropLast(5)) }
        if let dash = stem.lastIndex(of: "-") { return String(stem[stem.index(after: dash)...]) }
        return stem
    }
}
