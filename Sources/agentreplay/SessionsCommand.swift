import ArgumentParser
import Foundation
import Insight
import Sessions
import Trace

struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List the agent sessions recorded in this repository, newest first, from each agent's own store.",
        discussion: """
            Sessions are found where each agent keeps them: Claude Code \
            (~/.claude/projects/, and $CLAUDE_CONFIG_DIR/projects/), Codex ($CODEX_HOME, default \
            ~/.codex: sessions/YYYY/MM/DD/rollout-*.jsonl), Gemini CLI (~/.gemini/tmp/*/chats/) \
            and OpenCode ($XDG_DATA_HOME/opencode/storage/, default ~/.local/share). A session \
            belongs to the repository when the directory it recorded is the repository's top \
            or inside it; --all lists every session.

            One line each: a short id (any unique prefix of it, `last` or `last~N` names the \
            session to run, show, report, diff, blame, import, export and bisect), the agent \
            and its version, the start (UTC), the duration, model turns, tool calls, files \
            its edit calls changed, the cost (docs/cost.md) and the first prompt. A log that \
            cannot be read is listed with its error; a store that cannot be read is named in a \
            note and skipped.

            What was read is cached in $XDG_CACHE_HOME/agentreplay/sessions.ndjson (default \
            ~/.cache), by path, size and modification time: a file is read again only when it \
            changed. docs/sessions.md has the details and the --json schema.

            EXIT STATUS
              0  listed (also when there are none)
              2  bad input: an unreadable price table
            """)

    @Option(
        name: .long, help: ArgumentHelp("The repository whose sessions to list (default: the current directory's).", valueName: "dir"),
        completion: .directory)
    var repo: String = "."

    @Flag(name: .long, help: "List the sessions of every directory, not only this repository's.")
    var all = false

    @Flag(name: .long, help: "Print one versioned JSON document instead of the list.")
    var json = false

    @Option(name: .long, help: SessionOptions.pricesHelp, completion: .file())
    var prices: String?

    @OptionGroup var consoleOptions: ConsoleOptions

    func run() throws {
        let console = consoleOptions.console
        let table = try SessionOptions.priceTable(prices)
        let top = all ? nil : SessionIndex.repositoryTop(of: repo)
        let listing = SessionIndex.list(stores: SessionStores(environment: ProcessInfo.processInfo.environment), repository: top)
        for note in listing.notes { console.note(Printable.line(note)) }
        if json {
            console.data(JSONWriter.pretty(SessionsDocument.json(listing.sessions, repository: top, prices: table)) + "\n")
        } else {
            console.report(SessionsReport.text(listing.sessions, repository: top, prices: table, palette: console.out))
        }
    }
}
