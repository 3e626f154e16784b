import Foundation
import XCTest

/// What decides whether a test runs here: the slow tests are opt-in, and a missing
/// `agentreplay` binary is a skip on a developer's machine but a failure in CI.
///
/// - `AGENTREPLAY_SLOW_TESTS=1` runs the slow tests (a million spans, traces of 256 MiB, a real
///   `swift test` bisect); `.ci/run` sets it.
/// - `AGENTREPLAY_REQUIRE_POSTGRES=1` makes a test that needs a PostgreSQL server fail when
///   the server's programs are missing, instead of skipping (`PostgresServer`).
/// - `AGENTREPLAY_REQUIRE_CLI=1` makes a test that cannot find the built binary fail instead of
///   skipping; `.ci/run` sets it, so CI cannot pass with the CLI tests silently skipped.
public enum TestGate {
    static func isSet(_ name: String) -> Bool {
        guard let value = ProcessInfo.processInfo.environment[name] else { return false }
        return !value.isEmpty && value != "0"
    }

    /// Skips the calling test unless `AGENTREPLAY_SLOW_TESTS` is set; `what` says why it is slow.
    public static func slow(_ what: String) throws {
        guard isSet("AGENTREPLAY_SLOW_TESTS") else {
            throw XCTSkip("slow (\(what)): set AGENTREPLAY_SLOW_TESTS=1 to run it, as CI does")
        }
    }

    /// The error to throw when the `agentreplay` binary a test runs is not at `path`: a skip,
    /// or, with `AGENTREPLAY_REQUIRE_CLI` set, a failure.
    public static func missingBinary(at path: String) -> any Error {
        let message = "agentreplay is not built at \(path): run `swift build` first"
        if isSet("AGENTREPLAY_REQUIRE_CLI") { return MissingBinary(description: message + " (AGENTREPLAY_REQUIRE_CLI is set)") }
        return XCTSkip(message)
    }

    /// The error to throw when PostgreSQL's server programs are not installed: a skip, or,
    /// with `AGENTREPLAY_REQUIRE_POSTGRES` set (as `.ci/run` sets it), a failure.
    public static func missingPostgres(_ why: String) -> any Error {
        let message = "PostgreSQL is not available (\(why)): run scripts/setup, which installs Debian's postgresql"
        if isSet("AGENTREPLAY_REQUIRE_POSTGRES") { return MissingBinary(description: message + " (AGENTREPLAY_REQUIRE_POSTGRES is set)") }
        return XCTSkip(message)
    }

    public struct MissingBinary: Error, CustomStringConvertible {
        public var description: String
    }
}
