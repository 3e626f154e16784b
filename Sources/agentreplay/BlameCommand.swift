import Analysis
import ArgumentParser
import Foundation
import Git
import Replay
import RunStore
import Trace

struct BlameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blame",
        abstract: "Show which span (tool call, model turn) last wrote each line of a file after a session.",
        discussion: """
            The session is replayed in memory (nothing is written to the repository) and line \
            ownership is carried forward through every span that changed the file, with a line \
            diff of its before and after, as `git blame` does over commits. A file moved by a \
            span (deleted and written elsewhere with the same content) keeps its owners. Lines \
            no span wrote are the base's, shown as ^<base commit> (base <line>).

            FILE is repo-relative, or an absolute path under the trace's recorded root.

            Text output, one line per line of FILE:
              <span id> (<tool> <tool call id> <line>) <text>

            EXIT STATUS
              0  blamed
              2  bad input: an unreadable trace, or a FILE deleted, never created or not a file
            """)

    static let listHint =
        "list the files after the run with `agentreplay run TRACE --repo DIR` then `git ls-tree -r --name-only refs/agentreplay/last`"

    @Argument(help: TraceOptions.logHelp, completion: .file())
    var trace: String

    @Argument(help: ArgumentHelp("The file to blame, as it is after the session.", valueName: "file"), completion: .file())
    var file: String

    @OptionGroup var replayTarget: ReplayTargetOptions

    @Flag(name: .long, help: "Print one versioned JSON document: one entry per line.")
    var json = false

    @OptionGroup var traceOptions: TraceOptions

    @OptionGroup var consoleOptions: ConsoleOptions

    /// The blob at `path` in the run's final tree, nil when nothing is there; a directory, a
    /// link or a submodule there is refused.
    static func finalBlob(_ path: String, of run: Run, in repository: Repository) throws -> ObjectID? {
        guard let entry = try repository.entry(in: run.finalTree, path: path) else { return nil }
        switch entry.mode {
        case .blob, .executable: return entry.id
        case .tree: throw CLIFailure(message: "\(path) is a directory after the run, not a file", hint: listHint)
        case .link: throw CLIFailure(message: "\(path) is a symbolic link after the run, not a file", hint: listHint)
        case .commit: throw CLIFailure(message: "\(path) is a submodule after the run, not a file", hint: listHint)
        }
    }

    mutating func run() throws {
        let console = consoleOptions.console
        trace = try SessionArgument.path(trace, repo: replayTarget.repo, console: console)
        let source = try traceOptions.open(trace)
        let path: String
        switch Blame.repoPath(file, recordedRoot: source.header.repoRoot) {
        case .success(let p): path = p
        case .failure(let refusal):
            let root = source.header.repoRoot.map { " (the trace's recorded root is \($0))" } ?? ""
            throw CLIFailure(
                message: "\(file): not a file of the repository: \(refusal)\(root)",
                hint: "name the file relative to the repository's top, e.g. src/main.c")
        }
        let repository = try Repository.open(replayTarget.repo, objectsInMemory: true)
        let progress = console.progress("blame")
        // Replayed as `run` replays, storing nothing (and saying nothing of the base).
        let again = { [traceOptions, trace] in try traceOptions.open(trace) }
        let run = try RunStore.replay(
            source, onto: repository, base: replayTarget.base, store: false, again: again, observer: progress.spansObserver)
        let final = try Self.finalBlob(path, of: run, in: repository)
        let blame: Blame
        do {
            blame = try Blame(run, path: path, final: final, read: repository.blob)
        } catch {
            throw CLIFailure(message: error.description, hint: Self.listHint)
        }
        if run.outcome == .contradicted {
            let s = run.summary
            var what: [String] = []
            if s.drift > 0 { what.append("\(s.drift) drift") }
            if s.mismatch > 0 { what.append("\(s.mismatch) mismatch") }
            if s.notReplayable > 0 { what.append("\(s.notReplayable) span\(s.notReplayable == 1 ? "" : "s") not replayable as recorded") }
            console.note(
                "the run has \(what.joined(separator: " and ")); "
                    + "blame follows the files as replayed (see `agentreplay run`)")
        }
        if json {
            console.data(JSONWriter.pretty(BlameDocument.json(blame)) + "\n")
        } else {
            console.report(BlameDocument.text(blame, palette: console.out))
        }
        ExitStatus.finish(0)
    }
}

/// `agentreplay blame` output: `git blame`-like text, and the versioned JSON document
/// (`docs/blame.md`). Byte-stable: nothing of this machine or this moment in either.
enum BlameDocument {
    static let version: Int64 = 1

    static func json(_ blame: Blame) -> JSON {
        .object([
            ("schema", .string("agentreplay.blame")),
            ("version", .number(version)),
            ("path", .string(blame.path)),
            ("blob", .string(blame.blob.hex)),
            ("base_commit", blame.baseCommit.map { .string($0.hex) } ?? .null),
            (
                "lines",
                .array(
                    blame.lines.map { line in
                        .object([
                            ("line", .number(line.number)),
                            ("text", .string(line.text)),
                            ("span", line.owner.map(owner) ?? .null),
                        ])
                    })
            ),
        ])
    }

    static func owner(_ o: Blame.Owner) -> JSON {
        .object([
            ("span_id", .string(o.spanID.rawValue)),
            ("name", .string(o.spanName)),
            ("tool", o.toolName.map(JSON.string) ?? .null),
            ("tool_call_id", o.callID.map(JSON.string) ?? .null),
            ("turn_span_id", o.turnID.map { .string($0.rawValue) } ?? .null),
            ("commit", o.commit.map { .string($0.hex) } ?? .null),
        ])
    }

    /// One line per line of the file: `<span> (<tool> <call id> <n>) <text>`, columns padded
    /// to the widest value; span ids shortened to 12 characters or the fewest more that tell
    /// the file's owners apart; base lines show `^<base commit> (base <n>)`.
    static func text(_ blame: Blame, palette: Palette = .plain) -> String {
        let baseLabel = "^" + (blame.baseCommit.map { String($0.hex.prefix(11)) } ?? "base")
        let idWidth = abbreviation(blame.owners.map(\.spanID.rawValue), minimum: 12)
        func label(_ o: Blame.Owner?) -> String { o.map { String($0.spanID.rawValue.prefix(idWidth)) } ?? baseLabel }
        func tool(_ o: Blame.Owner?) -> String { o.map { $0.toolName ?? $0.spanName } ?? "base" }
        func call(_ o: Blame.Owner?) -> String { o?.callID ?? "" }
        let labelWidth = blame.lines.map { label($0.owner).count }.max() ?? 0
        let toolWidth = blame.lines.map { tool($0.owner).count }.max() ?? 0
        let callWidth = blame.lines.map { call($0.owner).count }.max() ?? 0
        let numberWidth = String(blame.lines.count).count
        var out = ""
        for line in blame.lines {
            out += palette.paint(pad(label(line.owner), labelWidth), line.owner == nil ? .dim : .warning) + " ("
            out += pad(tool(line.owner), toolWidth) + " "
            if callWidth > 0 { out += pad(call(line.owner), callWidth) + " " }
            out += padLeft(String(line.number), numberWidth) + ") " + line.text + "\n"
        }
        return out
    }

    /// The shortest prefix length, at least `minimum`, that keeps the distinct `ids` distinct.
    static func abbreviation(_ ids: [String], minimum: Int) -> Int {
        let longest = ids.map(\.count).max() ?? minimum
        var width = minimum
        while width < longest, Set(ids.map { $0.prefix(width) }).count < ids.count { width += 1 }
        return width
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    static func padLeft(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}
