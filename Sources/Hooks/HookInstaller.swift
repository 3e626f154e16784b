import Trace

/// `hooks install`, `uninstall` and `status`: agentreplay's hooks in an agent's settings file,
/// merged into what the file holds and never clobbering it (`HookSettings`, `SettingsFile`).
public enum HookInstaller {
    /// Where the settings files are: the project's top folder and the environment (`HOME`,
    /// `CLAUDE_CONFIG_DIR`, `CODEX_HOME`).
    public struct Places: Sendable {
        public var project: String
        public var environment: [String: String]

        public init(project: String, environment: [String: String]) {
            self.project = project
            self.environment = environment
        }
    }

    /// What `install` or `uninstall` did to one settings file.
    public struct Change: Sendable, Equatable {
        public var agent: HookAgent
        public var scope: HookAgent.Scope
        public var path: String
        /// Whether the file was written (false: it held exactly that already).
        public var wrote: Bool
        /// The events of agentreplay's hooks in the file afterwards.
        public var events: [String]
    }

    /// The state of one settings file.
    public struct Status: Sendable, Equatable {
        public var agent: HookAgent
        public var scope: HookAgent.Scope
        public var path: String
        /// The events of agentreplay's hooks in it (empty: none, or no file).
        public var events: [String]
        /// The commands of those hooks, in the same order.
        public var commands: [String]
        public var exists: Bool
        /// Why the file could not be read, when it could not.
        public var problem: String?
    }

    public static func install(_ agent: HookAgent, scope: HookAgent.Scope, executable: String, at places: Places) throws(SettingsFile.Failure)
        -> Change
    {
        try change(agent, scope, places) { settings throws(HookSettings.ShapeError) in
            try HookSettings.install(agent, command: { agent.command(executable: executable, records: $0) }, into: settings)
        }
    }

    public static func uninstall(_ agent: HookAgent, scope: HookAgent.Scope, at places: Places) throws(SettingsFile.Failure) -> Change {
        try change(agent, scope, places) { settings throws(HookSettings.ShapeError) in try HookSettings.uninstall(agent, from: settings) }
    }

    /// Every settings file of every agent (or of `agents`), in the order of `HookAgent` and its scopes.
    public static func status(of agents: [HookAgent] = HookAgent.allCases, at places: Places) -> [Status] {
        var all: [Status] = []
        for agent in agents {
            for scope in agent.scopes {
                guard let path = agent.settingsPath(scope: scope, project: places.project, environment: places.environment) else { continue }
                do {
                    let file = try SettingsFile(path: path)
                    let found = HookSettings.installed(agent, in: file.settings)
                    all.append(
                        Status(
                            agent: agent, scope: scope, path: path, events: found.map(\.event), commands: found.map(\.command),
                            exists: file.original != nil, problem: nil))
                } catch {
                    all.append(Status(agent: agent, scope: scope, path: path, events: [], commands: [], exists: true, problem: error.description))
                }
            }
        }
        return all
    }

    private static func change(
        _ agent: HookAgent, _ scope: HookAgent.Scope, _ places: Places,
        _ transform: (JSON) throws(HookSettings.ShapeError) -> JSON
    ) throws(SettingsFile.Failure) -> Change {
        guard let path = agent.settingsPath(scope: scope, project: places.project, environment: places.environment) else {
            throw SettingsFile.Failure(
                path: agent.rawValue, line: 0,
                message: "no \(scope.rawValue) scope (it has: \(agent.scopes.map(\.rawValue).joined(separator: ", ")))")
        }
        let file = try SettingsFile(path: path)
        let updated: JSON
        do {
            updated = try transform(file.settings)
        } catch {
            throw SettingsFile.Failure(path: path, line: 0, message: "\(error); the file is left as it is")
        }
        // An uninstall from a file that does not exist writes nothing.
        let wrote = file.original == nil && HookSettings.installed(agent, in: updated).isEmpty ? false : try file.write(updated)
        return Change(agent: agent, scope: scope, path: path, wrote: wrote, events: HookSettings.installed(agent, in: updated).map(\.event))
    }
}
