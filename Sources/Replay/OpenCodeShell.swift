import Trace

extension ShellReplay {
    /// OpenCode's `bash` (its `workdir` is where it ran; else the directory OpenCode ran in).
    /// Each call runs in a new shell. How it ended is `metadata.exit` (null when OpenCode
    /// killed it: a timeout, an abort); a call the user or a permission rule refused did not run.
    func openCode(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        try replayMarkingErrors(span, context, neverRan: OpenCodeDialect.neverRan) {
            switch span.details?["exit"]?.intValue {
            case 0?: return .succeeded
            case let code?: return .failed("exit code \(code)")
            case nil: return .unknown("no exit code recorded (a timeout, or aborted)")
            }
        }
    }
}
