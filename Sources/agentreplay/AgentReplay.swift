import ArgumentParser
import Trace

/// The command-line face of agentreplay: parses arguments, calls one stage, renders its
/// result. Exit statuses: 0 success, 1 the answer is "not clean" (drift, spans that could not
/// be replayed as recorded), 2 bad input, usage or trouble.
struct AgentReplay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agentreplay",
        abstract: "Replay a recorded coding-agent session into git history, deterministically.",
        discussion: """
            A session log (\(SourceFormat.allCases.map(\.rawValue).joined(separator: ", "))) is replayed onto a \
            snapshot of the repository as it was when the session started: edits are applied \
            with the exact semantics of the tool that made them, what the agent read is checked \
            against the replayed files, and every span that changed files becomes one commit \
            under refs/agentreplay/. Nothing from the trace is ever run, and the working tree, \
            index, HEAD and branches are never touched.

            \(ExitStatus.table)

            Every command takes --color auto|always|never (NO_COLOR is honoured) and -q/--quiet. \
            Shell completions: agentreplay --generate-completion-script bash|zsh|fish. \
            Manual page: docs/agentreplay.1 (man ./docs/agentreplay.1). Documentation: docs/cli.md.

            ENVIRONMENT
              NO_COLOR        not empty: no colour unless --color always
              TERM            dumb: no colour under --color auto
              XDG_CACHE_HOME  where bisect keeps its private worktrees
                              (default ~/.cache)

            FILES
              refs/agentreplay/  the commit chains of runs, in the replayed
                                 repository (refs/agentreplay/last: the last run)

            SEE ALSO
              git(1), git-bisect(1); docs/cli.md and the other pages under docs/
              in the source tree.
            """,
        version: AgentReplayVersion.current,
        subcommands: [
            RunCommand.self, ImportCommand.self, ExportCommand.self, DiffCommand.self, BlameCommand.self, WhyCommand.self, BisectCommand.self,
            ShowCommand.self, ReportCommand.self, AuditCommand.self, SessionsCommand.self, HooksCommand.self, IndexCommand.self,
            QueryCommand.self, ManualCommand.self,
        ]
    )
}

enum AgentReplayVersion {
    static let current = "0.1.0"
}
