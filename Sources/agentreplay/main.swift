import ArgumentParser
import Foundation

// Argument errors exit 2 (not ArgumentParser's 64), like every other bad input.
do {
    var command = try AgentReplay.parseAsRoot()
    try command.run()
} catch let code as ExitCode {
    exit(code.rawValue)
} catch let failure as CLIFailure {
    Terminal.error(failure.message)
    exit(2)
} catch {
    let status = AgentReplay.exitCode(for: error)
    if status == .success {
        print(AgentReplay.fullMessage(for: error))
        exit(0)
    }
    if let message = CLIFailure.describe(error) {
        Terminal.error(message)
    } else {
        FileHandle.standardError.write(Data((AgentReplay.fullMessage(for: error) + "\n").utf8))
    }
    exit(2)
}
