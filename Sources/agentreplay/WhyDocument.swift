import Git
import Insight
import Replay
import Trace

/// `agentreplay why` output: the text for people, clipped where long, and the versioned JSON
/// document (`docs/why.md`), texts whole. Byte-stable: nothing of this machine or moment.
enum WhyDocument {
    static let version: Int64 = 1

    // MARK: JSON

    static func json(_ why: Why) -> JSON {
        var m: [(String, JSON)] = [("schema", .string("agentreplay.why")), ("version", .number(version))]
        m.append(("target", target(why.target)))
        m.append(("base_commit", RunDocument.id(why.baseCommit)))
        m.append(
            (
                "line",
                why.line.map { l in
                    .object([
                        ("path", .string(l.path)), ("line", .number(l.number)), ("text", .string(l.text)),
                        ("blob", .string(l.blob.hex)), ("lines_in_file", .number(l.count)),
                    ])
                } ?? .null
            ))
        m.append(("written_by", why.call.map(call) ?? .null))
        m.append(("turn", why.turn.map(turn) ?? .null))
        m.append(("agent", why.agent.map(place) ?? .null))
        m.append(("prompt", why.prompt.map { p in .object(place(p.place).objectValue! + [("text", .string(p.text))]) } ?? .null))
        m.append(("seen", .array(why.seen.map(seen))))
        return .object(m)
    }

    /// The document for a line no span wrote (exit status 1).
    static func fromBase(path: String, line: Int, text: String, base: ObjectID?, seenAt: Int?) -> JSON {
        .object([
            ("schema", .string("agentreplay.why")), ("version", .number(version)),
            ("target", target(.line(path: path, number: line))),
            ("base_commit", RunDocument.id(base)),
            ("line", .object([("path", .string(path)), ("line", .number(line)), ("text", .string(text))])),
            ("written_by", .null),
            ("from_base", .object([("commit", RunDocument.id(base)), ("start_state_seen_at_index", seenAt.map { .number($0) } ?? .null)])),
        ])
    }

    static func target(_ t: Why.Target) -> JSON {
        switch t {
        case let .line(path, number): return .object([("kind", .string("line")), ("path", .string(path)), ("line", .number(number))])
        case .index(let n): return .object([("kind", .string("index")), ("index", .number(n))])
        case .id(let s): return .object([("kind", .string("id")), ("id", .string(s))])
        }
    }

    static func place(_ p: Why.Place) -> JSON {
        .object([
            ("index", .number(p.index)), ("span_id", .string(p.spanID.rawValue)),
            ("log_line", p.line.map { .number($0) } ?? .null),
            ("result_log_line", p.resultLine.map { .number($0) } ?? .null),
        ])
    }

    static func call(_ c: Why.Call) -> JSON {
        var m = place(c.place).objectValue!
        m += [
            ("name", .string(c.name)), ("tool", RunDocument.string(c.tool)), ("tool_call_id", RunDocument.string(c.callID)),
            ("verdict", .string(c.verdict.rawValue)), ("failed", .bool(c.failed)), ("paths", .array(c.paths.map(JSON.string))),
        ]
        m.append(("command", c.shell.map(ShowDocument.command) ?? .null))
        m.append(("commit", RunDocument.id(c.commit)))
        m.append(("recovered_from_index", c.recoveredFrom.map { .number($0) } ?? .null))
        m.append(("note", RunDocument.string(c.note)))
        return .object(m)
    }

    static func turn(_ t: Why.ModelTurn) -> JSON {
        var m = place(t.place).objectValue!
        m += [
            ("number", .number(t.number)), ("model", RunDocument.string(t.model)), ("tokens", RunDocument.usage(t.usage)),
            ("text", .string(t.text)), ("reasoning", RunDocument.string(t.reasoning)),
            ("tool_call_ids", .array(t.calls.map(JSON.string))),
        ]
        return .object(m)
    }

    static func seen(_ s: Why.Seen) -> JSON {
        var m = place(s.place).objectValue!
        m += [
            ("kind", .string(s.kind.rawValue)), ("name", .string(s.name)), ("tool", RunDocument.string(s.tool)),
            ("tool_call_id", RunDocument.string(s.callID)), ("paths", .array(s.paths.map(JSON.string))),
            ("command", s.shell.map(ShowDocument.command) ?? .null), ("verdict", .string(s.verdict.rawValue)), ("failed", .bool(s.failed)),
            ("output", .string(s.output)),
        ]
        return .object(m)
    }

    // MARK: Text

    /// Lines of a long text shown on a terminal without `--full`.
    static let textLines = 12
    static let outputLines = 4
    /// Characters of one line shown without `--full`.
    static let lineWidth = 160

    static func text(_ why: Why, full: Bool, palette p: Palette = .plain) -> String {
        var out = ""
        var clipped = false
        func block(_ text: String, lines: Int, indent: String = "    ") {
            let (shown, cut, narrowed) = clip(text, lines: full ? Int.max : lines, width: full ? Int.max : lineWidth)
            for line in shown { out += indent + line + "\n" }
            if narrowed { clipped = true }
            if cut > 0 {
                out += indent + p.paint("… \(cut) more line\(cut == 1 ? "" : "s") (--full shows them)", .dim) + "\n"
                clipped = true
            }
        }
        if let line = why.line {
            out += p.paint("\(line.path):\(line.number)", .strong) + "  " + quoted(line.text) + "\n"
        } else if why.call == nil, let turn = why.turn {
            out += "span #\(turn.place.index) is model turn \(turn.number)\n"
        } else if why.call == nil, let prompt = why.prompt {
            out += "span #\(prompt.place.index) is a user prompt\n"
        }
        if let call = why.call {
            out += (why.line == nil ? "span " : "written by ") + p.paint("#\(call.place.index)", .warning) + " " + (call.tool ?? call.name)
            if let id = call.callID { out += " (\(id))" }
            if !call.paths.isEmpty { out += " " + call.paths.joined(separator: ", ") }
            out += "\n" + "  " + where_(call.place)
            if let commit = call.commit { out += ", commit \(commit.hex.prefix(12))" }
            out += ", " + call.verdict.rawValue + (call.failed ? ", failed as recorded" : "") + "\n"
            if let shell = call.shell { out += "  `" + firstLine(shell.command) + "`" + ending(shell.ending) + "\n" }
            if let from = call.recoveredFrom {
                out +=
                    "  " + p.paint("recovered (inferred from #\(from))", .warning)
                    + ": replay did not see this call change the file; it adopted what the log showed at #\(from) as this shell call's effect\n"
            }
            if let note = call.note { out += "  note: " + note + "\n" }
        }
        if let agent = why.agent {
            out += "in the sub-agent of #\(agent.index) (span \(agent.spanID))\n"
        }
        if let turn = why.turn {
            if !out.isEmpty { out += "\n" }
            out += p.paint("model turn \(turn.number)", .strong) + " (#\(turn.place.index))"
            if let model = turn.model { out += " " + model }
            out += "  " + where_(turn.place) + "\n"
            if turn.text.isEmpty {
                out += "  text: none (the turn only called tools)\n"
            } else {
                out += "  text:\n"
                block(turn.text, lines: textLines)
            }
            if let reasoning = turn.reasoning {
                out += "  reasoning:\n"
                block(reasoning, lines: textLines)
            } else {
                out += "  reasoning: not recorded in the log\n"
            }
        } else if why.call != nil {
            out += "\nmodel turn: the trace links this call to none\n"
        }
        if let prompt = why.prompt {
            out += "\n" + p.paint("prompt in force", .strong) + " (#\(prompt.place.index))  " + where_(prompt.place) + "\n"
            block(prompt.text, lines: textLines)
        } else {
            out += "\nprompt in force: none recorded before the turn in its context\n"
        }
        if why.call != nil || why.turn != nil {
            let before = why.turn.map { "turn \($0.number)" } ?? "the call"
            out += "\n" + p.paint("seen before \(before)", .strong) + " (since the prompt): "
            out += why.seen.isEmpty ? "nothing\n" : "\(why.seen.count) call\(why.seen.count == 1 ? "" : "s")\n"
            for s in why.seen {
                out += "  " + p.paint("#\(s.place.index)", s.kind == .failure ? .bad : .warning) + " " + pad(s.kind.rawValue, 8) + " "
                out += s.tool ?? s.name
                if let shell = s.shell {
                    out += " `" + firstLine(shell.command) + "`" + ending(shell.ending)
                } else if !s.paths.isEmpty {
                    out += " " + s.paths.joined(separator: ", ")
                }
                if s.kind == .failure && !s.failed { out += " [\(s.verdict.rawValue)]" }
                out += "  " + where_(s.place) + "\n"
                if !s.output.isEmpty { block(s.output, lines: outputLines, indent: "      │ ") }
            }
        }
        if clipped { out += "\n" + p.paint("(texts clipped: --full prints them whole; --json has them whole)", .dim) + "\n" }
        return out
    }

    /// What is printed for a line no span wrote.
    static func fromBaseText(_ message: String, text: String) -> String {
        message + "\n  " + quoted(text) + "\n"
    }

    static func where_(_ p: Why.Place) -> String {
        var s = "span \(p.spanID)"
        if let line = p.line { s += ", log line \(line)" }
        if let result = p.resultLine, result != p.line { s += " (result on line \(result))" }
        return s
    }

    static func ending(_ e: ShellCall.Ending) -> String {
        switch e {
        case .exited(let code): return " → exit \(code)"
        case .succeeded: return " → ok"
        case .failed: return " → failed"
        case .unknown: return ""
        }
    }

    /// The first `lines` lines of `text`, each cut at `width` characters, and how many lines
    /// were left out. Trailing empty lines do not count.
    static func clip(_ text: String, lines: Int, width: Int) -> (shown: [String], cut: Int, narrowed: Bool) {
        var all = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while all.last?.isEmpty == true { all.removeLast() }
        let kept = all.prefix(lines)
        let narrowed = kept.contains { $0.count > width }
        let shown = kept.map { $0.count > width ? String($0.prefix(width)) + "…" : $0 }
        return (shown, all.count - shown.count, narrowed)
    }

    static func firstLine(_ s: String) -> String {
        let lines = s.split(separator: "\n", omittingEmptySubsequences: true)
        let first = lines.first.map(String.init) ?? ""
        let cut = first.count > lineWidth ? String(first.prefix(lineWidth)) + "…" : first
        return cut + (lines.count > 1 ? " …" : "")
    }

    static func quoted(_ s: String) -> String { "“" + (s.count > lineWidth ? String(s.prefix(lineWidth)) + "…" : s) + "”" }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
