import ArgumentParser
import Foundation
import Git
import Hooks
import Trace

struct HooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hooks",
        abstract: "Install the agent hooks that record what session logs miss: the start state and each shell call's effect.",
        discussion: """
            The hooks record, as git objects under refs/agentreplay/sessions/<session id>/ of \
            the repository the agent works in, the working tree at the session's start (HEAD, \
            and tracked changes and untracked files git does not ignore) and after each shell \
            call. `run` then starts from that state and takes each recorded tree as the shell \
            call's effect, so such a session replays verified. The index, HEAD, the working \
            tree and branches are never touched; a hook never fails or blocks the agent (its \
            errors go to a log, see `hooks status`). docs/hooks.md has the details.

            Agents: claude-code (SessionStart, PostToolUse of Bash), codex (the same, in \
            hooks.json), gemini-cli (SessionStart only: its AfterTool input names no call id).
            """,
        subcommands: [HooksInstallCommand.self, HooksUninstallCommand.self, HooksStatusCommand.self, HooksRecordCommand.self])
}

/// The options `install` and `uninstall` share.
struct HookTarget: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The agent.", valueName: HookAgent.allCases.map(\.rawValue).joined(separator: "|")))
    var agent: HookAgent = .claudeCode

    @Option(
        name: .long,
        help: ArgumentHelp(
            "user: the agent's own settings (~/.claude/settings.json, $CLAUDE_CONFIG_DIR; ~/.codex/hooks.json, $CODEX_HOME; ~/.gemini/settings.json); project: the repository's (.claude/settings.json, .codex/hooks.json, .gemini/settings.json); local: Claude Code's .claude/settings.local.json.",
            valueName: HookAgent.Scope.allCases.map(\.rawValue).joined(separator: "|")))
    var scope: HookAgent.Scope = .user

    @Option(
        name: .long, help: ArgumentHelp("The repository whose project settings to change (default: the current directory's).", valueName: "dir"),
        completion: .directory)
    var repo: String = "."

    var places: HookInstaller.Places {
        HookInstaller.Places(project: HooksCommand.projectTop(repo), environment: ProcessInfo.processInfo.environment)
    }
}

extension HooksCommand {
    /// The top folder of the repository holding `path`, else `path` made absolute.
    static func projectTop(_ path: String) -> String {
        if let top = try? Repository.open(path).workingDirectory { return top }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// This program's path as it was run: argv[0] made absolute, or found on PATH.
    static func executablePath() -> String {
        let argv0 = CommandLine.arguments.first ?? "agentreplay"
        if argv0.contains("/") { return URL(fileURLWithPath: argv0).standardizedFileURL.path }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") where folder.hasPrefix("/") {
            let candidate = folder + "/" + argv0
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return Bundle.main.executablePath ?? argv0
    }

    static func failure(_ error: SettingsFile.Failure) -> CLIFailure {
        CLIFailure(
            message: Printable.line(error.description), hint: "fix or move the file, then try again; agentreplay never rewrites a file it cannot read"
        )
    }
}

struct HooksInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Add agentreplay's recording hooks to an agent's settings file, keeping everything else in it.",
        discussion: """
            The hooks are merged into the file: every other member, event and hook stays as it \
            was. Installing twice changes nothing; a hook of agentreplay's whose executable \
            moved gets the new path. A file that is not JSON is refused, naming its line, and \
            left untouched; the file is written whole to a temporary file and renamed into place.

            EXIT STATUS
              0  installed (or already there)
              2  the settings file cannot be read or written, or has a shape hooks cannot go into
            """)

    @OptionGroup var target: HookTarget

    @Option(
        name: .long, help: ArgumentHelp("The agentreplay the hooks run (default: this one's path).", valueName: "path"),
        completion: .file())
    var executable: String?

    @OptionGroup var consoleOptions: ConsoleOptions

    func run() throws {
        let console = consoleOptions.console
        let change: HookInstaller.Change
        do {
            change = try HookInstaller.install(
                target.agent, scope: target.scope, executable: executable ?? HooksCommand.executablePath(), at: target.places)
        } catch {
            throw HooksCommand.failure(error)
        }
        let what = change.wrote ? "installed" : "already installed"
        console.report("\(Printable.line(change.path)): \(what) for \(change.agent.rawValue) (\(change.events.joined(separator: ", ")))\n")
    }
}

struct HooksUninstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Remove agentreplay's hooks from an agent's settings file, and nothing else.",
        discussion: """
            Only hooks whose command is agentreplay's `hooks record` are removed (and a group or \
            an event they leave empty); what was recorded in repositories stays.

            EXIT STATUS
              0  removed (or not there)
              2  the settings file cannot be read or written
            """)

    @OptionGroup var target: HookTarget

    @OptionGroup var consoleOptions: ConsoleOptions

    func run() throws {
        let console = consoleOptions.console
        let change: HookInstaller.Change
        do {
            change = try HookInstaller.uninstall(target.agent, scope: target.scope, at: target.places)
        } catch {
            throw HooksCommand.failure(error)
        }
        console.report("\(Printable.line(change.path)): \(change.wrote ? "removed" : "not installed") for \(change.agent.rawValue)\n")
    }
}

struct HooksStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Say where agentreplay's hooks are installed, for which agent, and where their errors go.",
        discussion: """
            Every settings file of every agent (or of --agent), in each scope: the events whose \
            hooks are agentreplay's, "not installed", "no file", or why the file cannot be read.

            EXIT STATUS
              0  listed
            """)

    @Option(name: .long, help: ArgumentHelp("Only this agent.", valueName: HookAgent.allCases.map(\.rawValue).joined(separator: "|")))
    var agent: HookAgent?

    @Option(
        name: .long, help: ArgumentHelp("The repository whose project settings to look at (default: the current directory's).", valueName: "dir"),
        completion: .directory)
    var repo: String = "."

    @Flag(name: .long, help: "Print one versioned JSON document instead of the list.")
    var json = false

    @OptionGroup var consoleOptions: ConsoleOptions

    func run() throws {
        let console = consoleOptions.console
        let environment = ProcessInfo.processInfo.environment
        let places = HookInstaller.Places(project: HooksCommand.projectTop(repo), environment: environment)
        let all = HookInstaller.status(of: agent.map { [$0] } ?? HookAgent.allCases, at: places)
        let log = HookLog.path(environment: environment)
        if json {
            console.data(JSONWriter.pretty(HooksDocument.json(all, log: log)) + "\n")
        } else {
            console.report(HooksDocument.text(all, log: log))
        }
    }
}

/// What `hooks status` prints.
enum HooksDocument {
    static func json(_ all: [HookInstaller.Status], log: String) -> JSON {
        .object([
            ("schema", .string("agentreplay.hooks")),
            ("version", .number("1")),
            ("log", .string(log)),
            (
                "files",
                .array(
                    all.map { s in
                        .object([
                            ("agent", .string(s.agent.rawValue)),
                            ("scope", .string(s.scope.rawValue)),
                            ("path", .string(s.path)),
                            ("exists", .bool(s.exists)),
                            ("installed", .array(s.events.map { .string($0) })),
                            ("commands", .array(s.commands.map { .string($0) })),
                            ("problem", s.problem.map { .string($0) } ?? .null),
                        ])
                    })
            ),
        ])
    }

    static func text(_ all: [HookInstaller.Status], log: String) -> String {
        var out = ""
        let width = all.map(\.path.count).max() ?? 0
        for s in all {
            let state: String
            if let problem = s.problem {
                state = "cannot be read: " + problem
            } else if !s.events.isEmpty {
                state = "installed: " + s.events.joined(separator: ", ")
            } else {
                state = s.exists ? "not installed" : "not installed (no file)"
            }
            let agent = s.agent.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
            let scope = s.scope.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            out += "\(agent) \(scope) \(Printable.line(s.path).padding(toLength: width, withPad: " ", startingAt: 0))  \(Printable.line(state))\n"
        }
        out += "errors of the hooks go to \(Printable.line(log))\n"
        return out
    }
}

/// The command the hooks run. `main.swift` runs it before parsing anything else
/// (`HookRecordEntry`); it is listed here so that `--help` and the manual name it.
struct HooksRecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Run by the installed hooks: record the working tree for the agent's JSON on standard input.",
        shouldDisplay: false)

    @Option(name: .long, help: ArgumentHelp("The agent that runs the hook.", valueName: "agent"))
    var agent: HookAgent = .claudeCode

    @Option(name: .long, help: ArgumentHelp("What happened.", valueName: HookAgent.Event.allCases.map(\.rawValue).joined(separator: "|")))
    var event: HookAgent.Event

    func run() throws {
        HookRecordEntry.record(agent: agent, event: event)
    }
}

extension HookAgent: ExpressibleByArgument {}
extension HookAgent.Scope: ExpressibleByArgument {}
extension HookAgent.Event: ExpressibleByArgument {}
