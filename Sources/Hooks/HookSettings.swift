import Trace

/// agentreplay's hooks merged into an agent's settings (a JSON object) and taken out again,
/// as plain values: every other member, event and hook is kept as it was, in its place.
///
/// The agents share one shape (Claude Code's, which Codex's `hooks.json` and Gemini CLI's
/// `settings.json` follow): `{"hooks": {"<Event>": [{"matcher": "…", "hooks": [{"type":
/// "command", "command": "…"}]}]}}`. A hook is agentreplay's when its command ends with
/// `hooks record --agent <agent> --event <event>` (`HookAgent.marker`), whatever the
/// executable's path.
public enum HookSettings {
    /// The settings do not have the shape hooks need (a `hooks` member that is not an
    /// object, an event that is not an array…): nothing is changed.
    public struct ShapeError: Error, Sendable, Equatable, CustomStringConvertible {
        public var field: String
        public var message: String
        public var description: String { "\(field): \(message)" }
    }

    /// `settings` with `agent`'s hooks installed, each with its command from `command`. A hook
    /// already there with that command is left as it is (installing twice changes nothing);
    /// one of ours with another command (the executable moved) has its command replaced.
    public static func install(_ agent: HookAgent, command: (HookAgent.Event) -> String, into settings: JSON) throws(ShapeError) -> JSON {
        var root = try members(settings, "the settings")
        var hooks = try members(root.first { $0.0 == "hooks" }?.1 ?? .object([]), "hooks")
        for hook in agent.hooks {
            let field = "hooks.\(hook.event)"
            var groups = try elements(hooks.first { $0.0 == hook.event }?.1 ?? .array([]), field)
            let wanted = command(hook.records)
            var found = false
            for g in groups.indices {
                guard case .object(var group) = groups[g], let list = group.first(where: { $0.0 == "hooks" })?.1.arrayValue else { continue }
                var entries = list
                for e in entries.indices where isOurs(entries[e], agent, hook.records) {
                    found = true
                    guard case .object(var entry) = entries[e], entry.first(where: { $0.0 == "command" })?.1.stringValue != wanted else { continue }
                    set(&entry, "command", .string(wanted))
                    entries[e] = .object(entry)
                }
                set(&group, "hooks", .array(entries))
                groups[g] = .object(group)
            }
            if !found {
                var entry: [(String, JSON)] = []
                if agent.namesHooks { entry.append(("name", .string("agentreplay-\(hook.records.rawValue)"))) }
                entry.append(("type", .string("command")))
                entry.append(("command", .string(wanted)))
                var group: [(String, JSON)] = []
                if let matcher = hook.matcher { group.append(("matcher", .string(matcher))) }
                group.append(("hooks", .array([.object(entry)])))
                groups.append(.object(group))
            }
            set(&hooks, hook.event, .array(groups))
        }
        set(&root, "hooks", .object(hooks))
        return .object(root)
    }

    /// `settings` without `agent`'s hooks: each of ours is removed, then a group it leaves
    /// without hooks, an event it leaves without groups, and `hooks` when it is left empty.
    /// Everything else stays. Settings without our hooks come back unchanged.
    public static func uninstall(_ agent: HookAgent, from settings: JSON) throws(ShapeError) -> JSON {
        var root = try members(settings, "the settings")
        guard let hooksValue = root.first(where: { $0.0 == "hooks" })?.1 else { return settings }
        var hooks = try members(hooksValue, "hooks")
        var changed = false
        for (event, value) in hooks {
            guard case .array(let groups) = value else { continue }
            var kept: [JSON] = []
            for group in groups {
                guard case .object(var members) = group, let list = members.first(where: { $0.0 == "hooks" })?.1.arrayValue else {
                    kept.append(group)
                    continue
                }
                let remaining = list.filter { entry in !HookAgent.Event.allCases.contains { isOurs(entry, agent, $0) } }
                if remaining.count == list.count {
                    kept.append(group)
                    continue
                }
                changed = true
                if remaining.isEmpty { continue }
                set(&members, "hooks", .array(remaining))
                kept.append(.object(members))
            }
            if JSON.array(kept) != value {
                if kept.isEmpty { hooks.removeAll { $0.0 == event } } else { set(&hooks, event, .array(kept)) }
            }
        }
        guard changed else { return settings }
        if hooks.isEmpty { root.removeAll { $0.0 == "hooks" } } else { set(&root, "hooks", .object(hooks)) }
        return .object(root)
    }

    /// The events of `agent`'s hooks installed in `settings`, in the settings' order, and the
    /// command of each.
    public static func installed(_ agent: HookAgent, in settings: JSON) -> [(event: String, command: String)] {
        guard let hooks = settings["hooks"]?.objectValue else { return [] }
        var found: [(String, String)] = []
        for (event, value) in hooks {
            for group in value.arrayValue ?? [] {
                for entry in group["hooks"]?.arrayValue ?? [] where HookAgent.Event.allCases.contains(where: { isOurs(entry, agent, $0) }) {
                    found.append((event, entry["command"]?.stringValue ?? ""))
                }
            }
        }
        return found
    }

    static func isOurs(_ entry: JSON, _ agent: HookAgent, _ event: HookAgent.Event) -> Bool {
        guard let command = entry["command"]?.stringValue else { return false }
        return command.hasSuffix(HookAgent.marker(agent, event))
    }

    private static func members(_ value: JSON, _ field: String) throws(ShapeError) -> [(String, JSON)] {
        guard case .object(let members) = value else { throw ShapeError(field: field, message: "not a JSON object") }
        return members
    }

    private static func elements(_ value: JSON, _ field: String) throws(ShapeError) -> [JSON] {
        guard case .array(let elements) = value else { throw ShapeError(field: field, message: "not a JSON array") }
        return elements
    }

    /// Sets the first member named `key` in place, or appends it.
    private static func set(_ members: inout [(String, JSON)], _ key: String, _ value: JSON) {
        if let i = members.firstIndex(where: { $0.0 == key }) { members[i].1 = value } else { members.append((key, value)) }
    }
}
