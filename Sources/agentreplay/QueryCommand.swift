import ArgumentParser
import Foundation
import Index
import Trace

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Ask the index store: SQL of your own, or a named question.",
        discussion: """
            `agentreplay query "SELECT agent, COUNT(*) FROM sessions GROUP BY agent"` runs SQL \
            on the store (read-only; a SQLite file, or a postgres:// URL); `--named NAME` runs one of the named questions, and \
            `--list` lists them with their SQL. `--param NAME=VALUE` gives a query's :NAME.

            A table for people by default (control characters in values made visible, long \
            values cut); --json or --csv print the rows exact. docs/index.md lists the tables, \
            their columns and the named questions' SQL.

            EXIT STATUS
              0  the query ran (also when it returned no row)
              2  bad input: no store, a store from a newer agentreplay, a PostgreSQL server \
            that cannot be reached, SQL that fails, a missing parameter
            """)

    @Argument(help: ArgumentHelp("The SQL to run.", valueName: "sql"))
    var sql: String?

    @Option(name: .long, help: ArgumentHelp("Run a named question (--list lists them).", valueName: "name"))
    var named: String?

    @Flag(name: .long, help: "List the named questions and their SQL.")
    var list = false

    @Option(name: .long, help: ArgumentHelp("A value for the query's :NAME (repeatable).", valueName: "name=value"))
    var param: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store to read: a file, or a postgres:// URL (default: $XDG_DATA_HOME/agentreplay/index.sqlite).", valueName: "file-or-url"),
        completion: .file())
    var store: String?

    @Flag(name: .long, help: "Print one JSON document: the columns and the rows, exact.")
    var json = false

    @Flag(name: .long, help: "Print CSV (RFC 4180): a header line, then the rows, exact.")
    var csv = false

    @OptionGroup var consoleOptions: ConsoleOptions

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv: choose one") }
        if !list && (sql == nil) == (named == nil) { throw ValidationError("give SQL or --named NAME (one of them; --list lists the names)") }
    }

    func run() throws {
        let console = consoleOptions.console
        if list {
            var out = ""
            for q in NamedQuery.all {
                out += "\(q.name): \(q.summary)\n"
                for p in q.parameters { out += "  --param \(p.name)=…  \(p.meaning)\n" }
                out += q.sql.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n\n"
            }
            console.report(out)
            return
        }
        var text = sql ?? ""
        if let named {
            guard let q = NamedQuery.named(named) else {
                throw CLIFailure(
                    message: "\(named): no such named question",
                    hint: "the names: \(NamedQuery.all.map(\.name).joined(separator: ", ")) (agentreplay query --list)")
            }
            text = q.sql
        }
        var arguments: [String: String] = [:]
        for p in param {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else {
                throw CLIFailure(message: "--param \(p): not NAME=VALUE", hint: "write --param since=2026-03-01")
            }
            arguments[String(p[..<eq])] = String(p[p.index(after: eq)...])
        }
        let result: QueryResult
        do {
            let path = store ?? Store.defaultPath(environment: ProcessInfo.processInfo.environment)
            result = try Query.run(text, storeAt: path, arguments: arguments)
        } catch {
            throw CLIFailure(message: error.description, hint: error.hint)
        }
        if json {
            console.data(JSONWriter.pretty(result.json()) + "\n")
        } else if csv {
            console.data(result.csv())
        } else {
            console.report(result.table(visible: { VisibleText.escape($0) }))
        }
    }
}
