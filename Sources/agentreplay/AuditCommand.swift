import ArgumentParser
import Audit
import Trace

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "What the session was allowed to do: every call's policy, decision and outcome, and the risky ones.",
        discussion: """
            One row per tool call: what it asked for (tool, files, command, hosts), the \
            policy in force (approval mode, rules, sandbox), the decision (allowed by policy, \
            approved or denied by the user, blocked by a hook or the sandbox, cancelled) and \
            who made it, and the outcome, each marked recorded (the log says so) or inferred. \
            Then the risks, each with its span, turn and log line: writes outside the \
            repository, reads of secrets (and credentials printed in tool output: where, \
            never what), network access, destructive commands, privilege.

            With --policy FILE the session is checked against a policy (JSON: deny_write, \
            deny_read, deny_command, allow_domain; docs/audit.md, docs/audit-policy.json) \
            and every violation is listed: a gate a CI job can run on a session.

            Nothing is replayed and no repository is needed: the audit reads the log only.

            EXIT STATUS
              0  audited (and, with --policy, no violation)
              1  a call that ran violates the policy (--policy); refused calls
                 are listed as attempts and do not count
              2  bad input: an unreadable trace, a policy file that is not valid or
                 holds a glob that cannot match (the message names file, line, field)
            """)

    @Argument(help: TraceOptions.logHelp, completion: .file())
    var trace: String

    @Option(
        name: .long, help: ArgumentHelp("A policy to check the session against (JSON; docs/audit.md).", valueName: "file"),
        completion: .file())
    var policy: String?

    @Flag(name: .long, help: "Print one versioned JSON document instead of the report.")
    var json = false

    @OptionGroup var traceOptions: TraceOptions

    @OptionGroup var consoleOptions: ConsoleOptions

    func run() throws {
        let console = consoleOptions.console
        let rules: Policy?
        if let policy {
            do {
                rules = try Policy.load(path: policy, displayName: policy)
            } catch {
                throw CLIFailure(message: error.description, hint: "docs/audit.md describes the policy format; docs/audit-policy.json is an example")
            }
        } else {
            rules = nil
        }
        let loaded = try traceOptions.load(trace)
        let audit = Audit(loaded, policy: rules)
        if json {
            console.data(JSONWriter.pretty(AuditDocument.json(audit, trace: loaded, policy: rules)) + "\n")
        } else {
            console.report(AuditReport.text(audit, trace: loaded, traceName: trace, policy: rules, palette: console.out))
        }
        ExitStatus.finish(audit.violatesPolicy ? 1 : 0)
    }
}
