import Foundation
import Git
import Replay
import Trace

/// An error the CLI reports as it is and exits 2 for.
struct CLIFailure: Error {
    var message: String

    /// The message for errors the library throws, or nil for argument errors.
    static func describe(_ error: Error) -> String? {
        switch error {
        case let e as TraceError: return e.description
        case let e as GitError: return "git: \(e.message)"
        case let e as ReplayError: return e.description
        case let e as CLIFailure: return e.message
        default: return nil
        }
    }
}

enum Terminal {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("agentreplay: error: \(message)\n".utf8))
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func writeBytes(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }
}
