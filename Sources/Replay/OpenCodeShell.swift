import Trace

extension ShellReplay {
    /// OpenCode's `bash` (its `workdir` is where it ran; else the directory OpenCode ran in).
    /// Each call runs in a new shell. How it ended is `metadata.exit` (null when OpenCode
    /// killed it: a timeout, an abort); a call the user or a permission rule refused did not run.
    func openCode(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let (command, workdir) = Self.commandLine(span) else {
            return Outcome(verdict: .served, note: "the call has no command", unseenEffects: true)
        }
        let status: Status
        switch span.status {
        case .unset:
            status = .unknown("the log has no result for this call")
        case .error:
            let message = ReplayContext.recordedError(span)
            status = message.map(OpenCodeDialect.neverRan) == true ? .neverRan(message) : .failed(message)
        case .ok:
            switch span.details?["exit"]?.intValue {
            case 0?: status = .succeeded
            case let code?: status = .failed("exit code \(code)")
            case nil: status = .unknown("no exit code recorded (a timeout, or aborted)")
            }
        }
        return try replay(command, workingDirectory: workdir, status: status, span: span, context: context)
    }
}
