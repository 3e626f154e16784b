import ArgumentParser
import Trace

/// `agentreplay manual`: prints agentreplay(1). Hidden from `--help`; docs/agentreplay.1 is
/// its output (`.build/debug/agentreplay manual > docs/agentreplay.1` after changing any help
/// text; a test says when it is stale).
struct ManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual",
        abstract: "Print the manual page, agentreplay(1), in roff.",
        shouldDisplay: false)

    func run() throws {
        let dump: String
        do {
            _ = try AgentReplay.parseAsRoot(["--experimental-dump-help"])
            throw CLIFailure(message: "the argument parser gave no description of the commands")
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            dump = AgentReplay.fullMessage(for: error)
        }
        let json: JSON
        do {
            json = try JSONParser.parse(Array(dump.utf8))
        } catch {
            throw CLIFailure(message: "the argument parser's description of the commands is not JSON: \(error)")
        }
        Terminal.writeData(ManualPage.render(dump: json, version: AgentReplayVersion.current))
    }
}
