import ArgumentParser

/// `agentreplay manual`: prints agentreplay(1). Hidden from `--help`. The page is written by
/// the argument parser's generate-manual plugin from `--experimental-dump-help`
/// (scripts/generate-manual), committed as docs/agentreplay.1 and, as the same bytes, in
/// ManualText.swift; `scripts/generate-manual --check` says when either is stale.
struct ManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual",
        abstract: "Print the manual page, agentreplay(1), in mdoc.",
        shouldDisplay: false)

    func run() throws {
        Terminal.writeData(ManualText.page)
    }
}
