import Git
import Insight
import Replay
import Trace

/// `agentreplay show --json`: one versioned, byte-stable document (`docs/show.md`): the
/// turns and their actions, files, hunks with their cost, and the spend.
enum ShowDocument {
    static let version: Int64 = 1

    static func json(_ session: Session) -> JSON {
        let run = session.run
        let s = run.summary
        let spend = session.spend
        return .object([
            ("schema", .string("agentreplay.show")),
            ("version", .number(version)),
            ("trace", RunDocument.trace(run.header)),
            ("base", .object([("commit", RunDocument.id(run.baseCommit)), ("tree", .string(run.baseTree.hex))])),
            ("final_tree", .string(run.finalTree.hex)),
            ("clean", .bool(run.clean)),
            (
                "prices",
                .object([
                    ("source", .string(session.prices.source)), ("as_of", RunDocument.string(session.prices.asOf)),
                    ("origin", RunDocument.string(session.prices.origin)),
                ])
            ),
            (
                "summary",
                .object([
                    ("model_turns", .number(session.modelTurns.count)),
                    ("tool_calls", .number(s.toolCalls)),
                    ("failed_calls", .number(spend.failedCalls)),
                    ("edits_applied", .number(s.editsApplied)),
                    ("files_changed", .number(s.filesChanged)),
                    ("drift", .number(s.drift)),
                    ("not_replayable", .number(s.notReplayable)),
                    ("tokens", RunDocument.usage(spend.usage)),
                    ("cost_usd", usd(spend.cost)),
                    ("cost_complete", .bool(spend.complete)),
                ])
            ),
            ("turns", .array(session.turns.map { turn($0, session) })),
            ("files", .array(session.files.map(file))),
            ("hunks", .array(session.hunks.map(hunk))),
            (
                "spend",
                .object([
                    ("models", .array(spend.models.map(model))),
                    ("kept", bucket(spend.kept)),
                    ("reverted", bucket(spend.reverted)),
                    ("failed", bucket(spend.failed)),
                    ("other", bucket(spend.other)),
                    ("no_trace", bucket(spend.noTrace)),
                    ("main_thread", bucket(session.breakdown.mainThread)),
                    (
                        "subagents",
                        .array(
                            session.breakdown.subagents.map { a in
                                .object([
                                    ("index", .number(a.step)), ("span_id", .string(a.spanID.rawValue)),
                                    ("agent_id", RunDocument.string(a.agentID)), ("started_by_tool_call_id", RunDocument.string(a.taskCallID)),
                                    ("spend", bucket(a.spend)),
                                ])
                            })
                    ),
                    (
                        "tools",
                        .array(
                            session.breakdown.tools.map { t in
                                .object([("tool", .string(t.name)), ("calls", .number(t.calls)), ("spend", bucket(t.spend))])
                            })
                    ),
                ])
            ),
            ("highlights", .array(session.highlights.map(highlight))),
        ])
    }

    static func turn(_ t: Turn, _ session: Session) -> JSON {
        var m: [(String, JSON)] = [("number", .number(t.number))]
        m.append(("span_id", t.spanID.map { .string($0.rawValue) } ?? .null))
        m.append(("index", t.step.map { .number($0) } ?? .null))
        m.append(("model", RunDocument.string(t.model)))
        m.append(("start", RunDocument.string(t.start?.text)))
        m.append(("end", RunDocument.string(t.end?.text)))
        m.append(("tokens", RunDocument.usage(t.usage)))
        if t.reasoning > 0 { m.append(("reasoning_output_tokens", .number(t.reasoning))) }
        m.append(("cost_usd", t.cost.map(usd) ?? .null))
        m.append(("outcome", .string(t.outcome.rawValue)))
        m.append(("text", RunDocument.string(t.text)))
        m.append(("actions", .array(t.actions.map { action($0, session) })))
        return .object(m)
    }

    static func action(_ a: Action, _ session: Session) -> JSON {
        var m: [(String, JSON)] = [
            ("index", .number(a.step)),
            ("span_id", .string(a.spanID.rawValue)),
            ("kind", .string(a.kind.rawValue)),
            ("name", .string(a.name)),
        ]
        if let tool = a.tool { m.append(("tool", .string(tool))) }
        if let call = a.callID { m.append(("tool_call_id", .string(call))) }
        m.append(("verdict", .string(a.verdict.rawValue)))
        m.append(("failed", .bool(a.failed)))
        if let start = a.start { m.append(("start", .string(start.text))) }
        if let end = a.end { m.append(("end", .string(end.text))) }
        if !a.paths.isEmpty { m.append(("paths", .array(a.paths.map(JSON.string)))) }
        if let n = a.linesRead { m.append(("lines_read", .number(n))) }
        if !a.changes.isEmpty {
            m.append(
                (
                    "changes",
                    .array(
                        a.changes.map { c in
                            .object([
                                ("path", .string(c.path)),
                                ("before", RunDocument.id(c.before)), ("after", RunDocument.id(c.after)),
                                ("added", .number(c.diff.added)), ("removed", .number(c.diff.removed)),
                            ])
                        })
                ))
        }
        if let shell = a.shell { m.append(("command", command(shell))) }
        if let text = a.text { m.append(("text", .string(text))) }
        if let note = a.note { m.append(("note", .string(note))) }
        if let commit = a.commit { m.append(("commit", .string(commit.hex))) }
        if a.unseenEffects { m.append(("unseen_effects_possible", .bool(true))) }
        if !a.drift.isEmpty { m.append(("drift", .array(a.drift.map(RunDocument.drift)))) }
        let marks = session.highlights(on: a.spanID)
        if !marks.isEmpty { m.append(("highlights", .array(marks.map(highlight)))) }
        return .object(m)
    }

    /// A shell call: its text, how it ended and its exit status when the log has it.
    static func command(_ shell: ShellCall) -> JSON {
        var c: [(String, JSON)] = [("text", .string(shell.command))]
        switch shell.ending {
        case .exited(let code): c += [("ending", .string("exited")), ("exit_status", .number(code))]
        case .succeeded: c += [("ending", .string("succeeded")), ("exit_status", .null)]
        case .failed: c += [("ending", .string("failed")), ("exit_status", .null)]
        case .unknown: c += [("ending", .string("unknown")), ("exit_status", .null)]
        }
        return .object(c)
    }

    static func file(_ f: FileSummary) -> JSON {
        .object([
            ("path", .string(f.path)),
            ("reads", .number(f.reads)), ("lines_read", .number(f.linesRead)),
            ("writes", .number(f.writes)), ("failed_edits", .number(f.failedEdits)),
            ("added", .number(f.added)), ("removed", .number(f.removed)),
            ("final_added", .number(f.finalAdded)), ("final_removed", .number(f.finalRemoved)),
            ("turn_span_ids", .array(f.turns.map { .string($0.rawValue) })),
            ("tokens", RunDocument.usage(f.usage)),
            ("cost_usd", f.written ? (f.cost.map(usd) ?? .null) : .number("0")),
        ])
    }

    static func hunk(_ h: HunkCost) -> JSON {
        .object([
            ("path", .string(h.path)),
            ("old_start", .number(h.oldStart)), ("old_lines", .number(h.oldLines)),
            ("new_start", .number(h.newStart)), ("new_lines", .number(h.newLines)),
            ("span_ids", .array(h.spans.map { .string($0.rawValue) })),
            ("turn_span_ids", .array(h.turns.map { .string($0.rawValue) })),
            ("tokens", RunDocument.usage(h.usage)),
            ("cost_usd", h.cost.map(usd) ?? .null),
        ])
    }

    static func model(_ m: Spend.Model) -> JSON {
        .object([
            ("model", .string(m.model)),
            ("turns", .number(m.turns)),
            ("tokens", RunDocument.usage(m.usage)),
            ("price_per_million", m.price.map(price) ?? .null),
            ("cost_usd", m.cost.map(usd) ?? .null),
        ])
    }

    /// A price in dollars per million tokens, with its one-hour cache write and long-context
    /// tier when it has them.
    static func price(_ p: Price) -> JSON {
        func d(_ v: Int64) -> JSON { .number(Price.dollarsPerMillion(v)) }
        var m: [(String, JSON)] = [("input", d(p.input)), ("output", d(p.output)), ("cache_read", d(p.cacheRead)), ("cache_write", d(p.cacheWrite))]
        if p.cacheWrite1h != p.cacheWrite { m.append(("cache_write_1h", d(p.cacheWrite1h))) }
        if let t = p.longContext {
            var tier: [(String, JSON)] = [
                ("above", .number(t.above)), ("input", d(t.input)), ("output", d(t.output)),
                ("cache_read", d(t.cacheRead)), ("cache_write", d(t.cacheWrite)),
            ]
            if t.cacheWrite1h != t.cacheWrite { tier.append(("cache_write_1h", d(t.cacheWrite1h))) }
            m.append(("long_context", .object(tier)))
        }
        return .object(m)
    }

    static func bucket(_ b: Spend.Bucket) -> JSON {
        .object([
            ("turns", .number(b.turns)), ("tokens", RunDocument.usage(b.usage)),
            ("cost_usd", usd(b.cost)), ("turns_of_unknown_cost", .number(b.unknownTurns)),
        ])
    }

    static func highlight(_ h: Highlight) -> JSON {
        .object([("kind", .string(h.kind.rawValue)), ("span_id", .string(h.spanID.rawValue)), ("detail", .string(h.detail))])
    }

    /// Dollars with six decimals, as a JSON number (`0.012345`).
    static func usd(_ m: Money) -> JSON { .number(m.dollars(decimals: 6)) }
}
