import Foundation
import Sessions

/// A command's log argument that may name a session (`last`, `last~N`, an id prefix) rather
/// than a file: resolved by `SessionName.locate` against the sessions of the repository.
enum SessionArgument {
    /// The log file `argument` stands for; a note on standard error says which session a
    /// name chose.
    static func path(_ argument: String, repo: String, console: Console) throws -> String {
        let stores = SessionStores(environment: ProcessInfo.processInfo.environment)
        do {
            guard let found = try SessionName.locate(argument, directory: repo, stores: stores) else { return argument }
            for note in found.notes { console.note(Printable.line(note)) }
            let s = found.session
            console.note(Printable.line("\(argument): \(s.agent) session \(s.id), \(s.path)"))
            return s.path
        } catch let failure {
            let hint: String
            switch failure {
            case .ambiguous: hint = "give more characters of the id (`agentreplay sessions` lists them)"
            case .none: hint = "`agentreplay sessions --all` lists the sessions found elsewhere; or give the log's path"
            case .tooFar: hint = "`agentreplay sessions` lists them, newest (last) first"
            }
            throw CLIFailure(message: Printable.line(failure.description), hint: hint)
        }
    }
}
