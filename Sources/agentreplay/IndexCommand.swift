import ArgumentParser
import Foundation
import Index
import Sessions
import Trace

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Read sessions of every format into one SQLite or PostgreSQL store, and keep it current.",
        discussion: """
            Without PATHS, every session `agentreplay sessions --all` finds is read; a PATH is \
            a log, or a folder whose .jsonl, .json and .ndjson files are read. The store is \
            $XDG_DATA_HOME/agentreplay/index.sqlite (default ~/.local/share), or --store FILE, \
            or --store postgres://USER@HOST/DATABASE: a PostgreSQL database several machines \
            index into at once (the database must exist; its tables are made on first use).

            A log whose size, modification time and last 4 KiB are unchanged is skipped; a \
            Claude Code log that grew is read from its last prompt (or earliest call still \
            waiting for a result); any other changed log is read again whole. A log that is gone \
            keeps its rows (files.present = 0). Each log is written in a transaction of its own: \
            a pass killed at any moment leaves a store the next pass completes. A log that \
            cannot be read is recorded in the `errors` table with its file, line and field, and \
            the pass goes on. `agentreplay query` asks the store; docs/index.md lists its tables.

            File effects are read from the log (file_effects.source = log). With --replay, each \
            session read is also replayed (as `agentreplay run --no-refs` does: nothing is \
            written to the repository) onto the repository its log records as its working \
            directory, when that is a git repository on this machine, or onto --repo: its file \
            effects are then the replayed commits' (source = replay), with the run's outcome in \
            sessions.replay_outcome. A session whose repository is not at hand keeps the log's \
            rows, and sessions.replay_note says why. Replay is much slower than reading, so it \
            is asked for; an unchanged log already indexed is replayed once when it never was.

            EXIT STATUS
              0  every log read (or unchanged)
              1  some log could not be read: recorded in `errors`, the others indexed
              2  bad input: a store that cannot be opened (a PostgreSQL server that cannot be \
            reached), or from a newer agentreplay
            """)

    @Argument(
        help: ArgumentHelp("Logs, or folders of logs (default: every session the agents' stores hold).", valueName: "path"),
        completion: .file())
    var paths: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store to write: a file, or a postgres:// URL (default: $XDG_DATA_HOME/agentreplay/index.sqlite).", valueName: "file-or-url"),
        completion: .file())
    var store: String?

    @Option(
        name: .long, help: ArgumentHelp("A price table to use instead of the built-in one (format: docs/cost.md).", valueName: "file"),
        completion: .file())
    var prices: String?

    @Flag(
        name: .long,
        help: "Replay each session onto its repository, when at hand, for its file effects (slower; nothing is written to the repository).")
    var replay = false

    @Option(
        name: .long, help: ArgumentHelp("The repository to replay every session onto (implies --replay).", valueName: "dir"),
        completion: .directory)
    var repo: String?

    @OptionGroup var consoleOptions: ConsoleOptions

    func run() throws {
        let console = consoleOptions.console
        let table = try SessionOptions.priceTable(prices)
        let environment = ProcessInfo.processInfo.environment
        var inputs: [Indexer.Input] = []
        if paths.isEmpty {
            let found = SessionIndex.logs(stores: SessionStores(environment: environment))
            for note in found.notes { console.note(Printable.line(note)) }
            inputs = Indexer.inputs(found.logs)
        } else {
            for path in paths { inputs += try Self.expand(path) }
        }
        let opened: Store
        do {
            opened = try Store(path: store ?? Store.defaultPath(environment: environment))
        } catch {
            throw CLIFailure(message: error.description, hint: error.hint)
        }
        let progress = console.progress("indexing")
        let report: Indexer.Report
        do {
            let replaying = replay || repo != nil ? Indexer.Replay(repository: repo) : nil
            report = try Indexer.pass(inputs, into: opened, prices: table, replay: replaying) { done, total in
                progress.update(done, of: total, count: done, unit: "logs")
            }
        } catch {
            progress.clear()
            throw CLIFailure(message: error.description, hint: error.hint)
        }
        progress.clear()
        for error in report.errors { console.note(Printable.line("cannot read: " + error)) }
        let megabytes = String(format: "%.1f", Double(report.bytes) / 1_000_000)
        let replayed = replay || repo != nil ? "; \(report.replayed) replayed, \(report.notReplayed) effects from the log" : ""
        console.report(
            """
            \(opened.path): \(report.read) read, \(report.resumed) resumed, \(report.unchanged) unchanged, \
            \(report.failed) unreadable, \(report.vanished) gone (kept); \(megabytes) MB, \(report.spans) spans\(replayed)

            """)
        if report.failed > 0 { throw ExitCode(1) }
    }

    /// The logs a PATH names: itself, or a folder's `.jsonl`, `.json` and `.ndjson` files, by name.
    static func expand(_ path: String) throws -> [Indexer.Input] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIFailure(message: "\(path): no such file or folder", hint: "name a session log, or a folder of them")
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard isDirectory.boolValue else { return [Indexer.Input(path: absolute)] }
        guard let walker = FileManager.default.enumerator(atPath: absolute) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".jsonl") || relative.hasSuffix(".json") || relative.hasSuffix(".ndjson") else { continue }
            var sub: ObjCBool = false
            let full = absolute + "/" + relative
            if FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { found.append(full) }
        }
        return found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { Indexer.Input(path: $0) }
    }
}
