import Foundation
import Replay

/// The exit statuses of every command, in one table: printed by `agentreplay --help`, and
/// the same as docs/cli.md and docs/exit-codes.md. Lines stay under 80 columns, so the
/// help's wrapping leaves the table as it is.
enum ExitStatus {
    static let table = """
        EXIT STATUS
          0    success: a clean run; identical runs (diff); a culprit found
               (bisect); a trace written (import, export); every line blamed
               (blame); a line or span explained (why); a session shown
               (show) or its page written (report); a session audited, its
               --policy kept (audit); every span sent taken by the collector
               (export --endpoint)
          1    the answer is "no": drift, a mismatch or calls not replayable
               (run); the runs differ (diff); no culprit found (bisect); a
               call that ran breaks the --policy (audit); the collector
               rejected some spans (export --endpoint); no span wrote the
               line (why)
          2    bad input, usage or trouble: the message names the file, line
               and field, and a hint says what to do
          3    unverified (run): nothing contradicts the replay, but calls may
               have changed files replay cannot see
          4    the collector refused the export (export --endpoint)
          5    the collector could not be reached, or stayed busy until the
               attempts ran out (export --endpoint): try again later
          130  interrupted (bisect; 143 for SIGTERM): the test was stopped
        """

    /// `run`'s status: 0 verified, 1 contradicted, 3 unverified.
    static func of(_ run: Run) -> Int32 {
        switch run.outcome {
        case .verified: return 0
        case .contradicted: return 1
        case .unverified: return 3
        }
    }

    /// Ends the process with `status` once a command has written everything: what a replay
    /// of a hundred thousand spans holds (objects, spans, steps) is left to the kernel rather
    /// than freed piece by piece, which takes a noticeable part of a second. Output is written
    /// unbuffered (`Terminal`), so nothing is lost.
    static func finish(_ status: Int32) -> Never {
        exit(status)
    }
}
