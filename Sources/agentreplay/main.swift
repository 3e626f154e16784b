import ArgumentParser
import Foundation

// The hooks' command runs first, before anything else is decided: it must be fast, and it
// must exit 0 whatever happens (HookRecordEntry).
if HookRecordEntry.applies(Array(CommandLine.arguments.dropFirst())) {
    HookRecordEntry.main(Array(CommandLine.arguments.dropFirst(3)))
}

// Every error goes to standard error as `agentreplay: error: …` with a `hint: …` at the fix,
// and exits 2; argument errors too (not ArgumentParser's 64), with the usage and a pointer
// to --help. The palette for these messages is read from the command line itself, since the
// command may not have parsed.
let stderrPalette = Palette.decide(ColorChoice.scan(Array(CommandLine.arguments.dropFirst())), fd: 2)
do {
    var command = try AgentReplay.parseAsRoot()
    try command.run()
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    let status = AgentReplay.exitCode(for: error)
    if status == .success {
        print(AgentReplay.fullMessage(for: error))
        exit(0)
    }
    if let message = CLIFailure.describe(error) {
        Terminal.error(message, hint: CLIFailure.hint(for: error), palette: stderrPalette)
    } else if status == .validationFailure {
        // A usage error: ArgumentParser's message, the usage, and a pointer to --help.
        FileHandle.standardError.write(Data(TerminalText.render(AgentReplay.fullMessage(for: error) + "\n").utf8))
    } else {
        Terminal.error(
            String(describing: error), hint: "this error has no better message yet: please report it, with the command line", palette: stderrPalette)
    }
    exit((error as? CLIFailure)?.status ?? 2)
}
