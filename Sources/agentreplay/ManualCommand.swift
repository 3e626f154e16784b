import ArgumentParser

/// `agentreplay manual`: prints agentreplay(1). Hidden from `--help`. The page is written by
/// the argument parser's generate-manual plugin from `--experimental-dump-help`
/// (scripts/generate-manual), committed as docs/agentreplay.1 and embedded in the binary as a
/// resource (`PackageResources.agentreplay_1`, through the link Sources/agentreplay/agentreplay.1);
/// `scripts/generate-manual --check` says when it is stale.
struct ManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual",
        abstract: "Print the manual page, agentreplay(1), in mdoc.",
        shouldDisplay: false)

    func run() throws {
        Terminal.writeData(String(decoding: PackageResources.agentreplay_1, as: UTF8.self))
    }
}
