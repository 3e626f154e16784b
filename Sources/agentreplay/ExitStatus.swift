import Foundation

/// The exit statuses of every command, in one table: printed by `agentreplay --help`, and
/// the same as docs/cli.md and docs/exit-codes.md. Lines stay under 80 columns, so the
/// help's wrapping leaves the table as it is.
enum ExitStatus {
    static let table = """
        EXIT STATUS
          0    success: a clean run; identical runs (diff); a culprit found
               (bisect); a trace written (import, export); every line blamed
               (blame); a session shown (show) or its page written (report)
          1    the answer is "no": drift or spans not replayable as recorded
               (run); the runs differ (diff); no culprit found (bisect)
          2    bad input, usage or trouble: the message names the file, line
               and field, and a hint says what to do
          130  interrupted (bisect; 143 for SIGTERM): the test was stopped
        """

    /// Ends the process with `status` once a command has written everything: what a replay
    /// of a hundred thousand spans holds (objects, spans, steps) is left to the kernel rather
    /// than freed piece by piece, which takes a noticeable part of a second. Output is written
    /// unbuffered (`Terminal`), so nothing is lost.
    static func finish(_ status: Int32) -> Never {
        exit(status)
    }
}
