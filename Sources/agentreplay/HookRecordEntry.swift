import Foundation
import Hooks

/// `agentreplay hooks record --agent A --event E`, as the agents run it: read before anything
/// else is parsed (an argument error must not exit 2, which Claude Code reads as "block"),
/// the hook's JSON read from standard input, the recording made, every error appended to the
/// hooks' log, and exit 0 with nothing on standard output, always.
enum HookRecordEntry {
    /// Whether `arguments` (without the program's name) ask for this command.
    static func applies(_ arguments: [String]) -> Bool {
        arguments.count >= 2 && arguments[0] == "hooks" && arguments[1] == "record" && !arguments.contains("--help") && !arguments.contains("-h")
    }

    static func main(_ arguments: [String]) -> Never {
        var agent = HookAgent.claudeCode
        var event: HookAgent.Event?
        var problem: String?
        var i = 0
        while i < arguments.count {
            let (name, value): (String, String?)
            if let eq = arguments[i].firstIndex(of: "=") {
                (name, value) = (String(arguments[i][..<eq]), String(arguments[i][arguments[i].index(after: eq)...]))
            } else {
                (name, value) = (arguments[i], i + 1 < arguments.count ? arguments[i + 1] : nil)
                if name == "--agent" || name == "--event" { i += 1 }
            }
            switch name {
            case "--agent":
                if let a = value.flatMap(HookAgent.init(rawValue:)) { agent = a } else { problem = "--agent \(value ?? ""): not an agent" }
            case "--event":
                if let e = value.flatMap(HookAgent.Event.init(rawValue:)) { event = e } else { problem = "--event \(value ?? ""): not an event" }
            default:
                problem = "\(name): not an option of hooks record"
            }
            i += 1
        }
        if problem == nil, let event {
            record(agent: agent, event: event)
        } else {
            log(agent: agent, event: event, session: nil, problem ?? "--event missing")
        }
        exit(0)
    }

    /// Reads the hook's input and records it; errors go to the log.
    static func record(agent: HookAgent, event: HookAgent.Event) {
        let bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        let input: HookInput
        do {
            input = try HookInput(json: bytes)
        } catch {
            return log(agent: agent, event: event, session: nil, "standard input: \(error)")
        }
        do {
            _ = try HookRecorder.record(event, agent: agent, input: input)
        } catch {
            let call = input.toolUseID.map { " call \($0)" } ?? ""
            log(
                agent: agent, event: event, session: input.sessionID + call + " cwd " + input.cwd,
                CLIFailure.describe(error) ?? String(describing: error))
        }
    }

    private static func log(agent: HookAgent, event: HookAgent.Event?, session: String?, _ message: String) {
        let what = "\(agent.rawValue) \(event?.rawValue ?? "?")" + (session.map { " session " + $0 } ?? "")
        HookLog.append("agentreplay hooks record: \(what): \(message)", environment: ProcessInfo.processInfo.environment)
    }
}
