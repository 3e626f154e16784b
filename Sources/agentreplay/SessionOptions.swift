import Analysis
import ArgumentParser
import Foundation
import Git
import Insight
import Replay
import Trace

/// Options of the commands that look at one replayed session (`show`, `report`): where to
/// replay it, and the price table.
struct SessionOptions: ParsableArguments {
    /// The help of `--base`, which every command that replays takes.
    static let baseHelp = ArgumentHelp("The commit to start from, when the trace names none (default: HEAD).", valueName: "rev")
    /// The help of `--prices`, which every command that prices a session takes.
    static let pricesHelp = ArgumentHelp(
        "A price table to use instead of the built-in one: agentreplay's format, or LiteLLM's model_prices_and_context_window.json (docs/cost.md).",
        valueName: "file")

    @Option(
        name: .customLong("repo"),
        help: ArgumentHelp(
            "The repository to replay onto (nothing is written to it; default: the current directory's, else none).", valueName: "dir"),
        completion: .directory)
    var repoOption: String?

    var repo: String { repoOption ?? "." }

    @Option(name: .long, help: Self.baseHelp)
    var base: String?

    @Option(name: .long, help: Self.pricesHelp, completion: .file())
    var prices: String?

    func priceTable() throws -> PriceTable { try Self.priceTable(prices) }

    /// The price table in the file `prices`, or the built-in one.
    static func priceTable(_ prices: String?) throws -> PriceTable {
        guard let prices else { return PriceTable.builtIn }
        guard let data = FileManager.default.contents(atPath: prices) else {
            throw CLIFailure(
                message: "\(prices): cannot read the price table (--prices)",
                hint: "name a readable price file (its format: docs/cost.md), or leave --prices out for the built-in table")
        }
        do {
            return try PriceTable.parse(Array(data), name: prices)
        } catch {
            throw CLIFailure(message: error.description, hint: "docs/cost.md describes the price table's format")
        }
    }

    /// Replays `path` in memory and builds its session; also returns the trace and run, and
    /// the repository handle they live in.
    ///
    /// With no `--repo` and the current directory in no repository, nothing is replayed
    /// (`Run.unreplayed`): the session as its log records it, edits unverified; unless
    /// `needsRepository` (a comparison that must replay), which makes that an error.
    func session(
        _ path: String, traceOptions: TraceOptions, needsRepository: Bool = false,
        highlights: (Trace, Run, Repository) throws -> [Highlight] = { _, _, _ in [] }
    ) throws -> Session {
        let prices = try priceTable()
        let repository: Repository
        do {
            repository = try Repository.open(repo, objectsInMemory: true)
        } catch let error as GitError where repoOption == nil && error.isNotFound && !needsRepository {
            // Not in a repository, and none named: what the log says, replayed onto nothing.
            let trace = try traceOptions.load(path)
            let run = Run.unreplayed(header: trace.header, spans: trace.spans)
            return Session(trace: trace, run: run, hunks: [], prices: prices, read: { _ in [] })
        }
        let (trace, run) = try traceOptions.replay(path, onto: repository, base: base)
        let hunks = try EditHunks.attribute(run, repository: repository)
        let marks = try highlights(trace, run, repository)
        return Session(trace: trace, run: run, hunks: hunks, prices: prices, highlights: marks, read: repository.blob)
    }
}
