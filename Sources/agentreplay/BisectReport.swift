import Bisect
import Replay
import Trace

/// The readable face of `agentreplay bisect`: what was searched, each probe and its verdict,
/// then the culprit (span, tool call, the model turn that asked for it, tokens up to it, its
/// diff), or why there is none. No time, path or duration of this machine: the same search
/// prints the same text, and so does `bisect replay` of its log.
enum BisectReport {
    static func text(_ s: BisectSummary, palette: Palette = .plain) throws -> String {
        let h = s.history
        let agent = [h.header.agentName, h.header.agentVersion].compactMap { $0 }.joined(separator: " ")
        var out = "Bisecting \(h.candidates.count) span\(h.candidates.count == 1 ? "" : "s") that changed files "
        out += "(trace \(h.header.traceID), \(agent))\(s.mode == "minimal" ? " for a minimal failing set" : "")\n"
        out += "test: \(s.test)\n\n"
        for probe in s.probes {
            var line = "  #" + pad(String(probe.number), 3) + " "
            if let step = probe.step {
                line += pad(s.describe(step: step), 36)
            } else if let combination = probe.combination {
                line += pad("{" + combination.map(String.init).joined(separator: ",") + "}", 36)
            }
            line += " " + palette.paint(pad(probe.verdict.rawValue, 5), role(probe.verdict))
            if probe.runs.isEmpty {
                line += probe.note.map { "  (\($0))" } ?? "  (same tree as an earlier probe)"
            } else {
                line += "  exit " + probe.runs.map { $0.timedOut ? "timeout" : String($0.status) }.joined(separator: ", ")
            }
            out += line + "\n"
        }
        out += "\n\(s.testRuns) test run\(s.testRuns == 1 ? "" : "s") in \(s.probes.count) probe\(s.probes.count == 1 ? "" : "s")\n"
        let flaky = s.probes.filter { $0.verdict == .flaky }
        if !flaky.isEmpty {
            out +=
                "flaky: "
                + flaky.map { p in
                    (p.step.map { s.describe(step: $0) } ?? "{\(p.combination?.map(String.init).joined(separator: ",") ?? "")}")
                        + " (exit " + p.runs.map { String($0.status) }.joined(separator: ", ") + ")"
                }.joined(separator: "; ") + ": not trusted, treated as untestable\n"
        }
        out += "\n"
        switch s.outcome {
        case .found(let step):
            out += palette.paint("The first failing state is after step \(step) of \(h.candidates.count): its span broke the test.", .strong) + "\n\n"
            out += try culprit(s, step)
        case .minimal(let set):
            out += "A minimal set of \(set.count) span\(set.count == 1 ? "" : "s") whose edits alone, on the base, make the test fail "
            out += "(leaving out any one makes it pass): steps \(set.map(String.init).joined(separator: ", "))\n"
            for step in set {
                out += "\n" + (try culprit(s, step))
            }
        case .ambiguous(let range):
            out += "No single culprit: states between the last that passes and the first that fails could not be tested.\n"
            out += "The culprit is one of steps \(range.lowerBound)–\(range.upperBound):\n"
            for step in range {
                let c = s.candidate(step)
                let verdict =
                    step < range.upperBound ? " (state \(step): \(probeVerdict(s, step)?.rawValue ?? "untested"))" : " (first failing state)"
                out +=
                    "  step \(step): span \(c.spanID), \(c.toolName ?? c.name) \(c.callID ?? "-")\(verdict) \((try? s.paths(step))?.joined(separator: ", ") ?? "")\n"
            }
        case .nonMonotonic(let bad, let good):
            out += "Not monotonic: \(s.describe(step: bad)) fails, but the later \(s.describe(step: good)) passes"
            let tree = good == 0 ? s.history.baseTree : s.candidate(good).tree
            if s.probes.last(where: { $0.step == good }) == nil, let twin = s.probes.first(where: { $0.tree == tree && $0.step != nil }) {
                out += " (it has the files of \(s.describe(step: twin.step!)), which passed)"
            }
            out += ".\n"
            out += "A later span undid the breakage, so no single span explains why the end fails; "
            out += "bisecting would name a wrong culprit. Try --minimal, or a test that checks one thing.\n"
        case .baseFails:
            out += "The base already fails the test: nothing the session did broke it.\n"
        case .endPasses:
            out += "The end of the run passes the test: the session broke nothing this test sees.\n"
        case .untestable(let step, let verdict):
            out += "The \(step == 0 ? "base" : "end of the run") could not be tested (\(verdict.rawValue)): nothing to search between.\n"
        case .commandBroken(let status):
            out += "The test command cannot run: it exits \(status) on the end and on the base "
            out += "(126: not executable, 127: not found). Check the command.\n"
        case .aborted(let status):
            out += "A test run exited \(status) (128 or above, or killed by a signal): bisect stops there, as git bisect run does.\n"
        case .nothingToBisect:
            out += "The run changed no files: nothing to bisect.\n"
        }
        return out
    }

    static func culprit(_ s: BisectSummary, _ step: Int) throws -> String {
        let c = s.candidate(step)
        var out = "span \(c.spanID) (\(c.name)), step \(step) of \(s.history.candidates.count)\n"
        out += "  tool call: \(c.toolName ?? "-") \(c.callID ?? "-")\n"
        if let commit = c.commit { out += "  commit:    \(commit.hex)\n" }
        let t = c.tokens
        out +=
            "  tokens up to it: \(t.inputTokens) in, \(t.outputTokens) out, \(t.cacheReadTokens) cache read, \(t.cacheCreationTokens) cache write\n"
        if let turn = c.turnID {
            out += "  asked for by model turn \(turn):\n"
            let text = s.history.responses[turn] ?? "(no response text recorded)"
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                out += "    " + line + "\n"
            }
        } else {
            out += "  no model turn recorded as asking for it\n"
        }
        out += "\n" + (try s.diff(step))
        return out
    }

    static func role(_ verdict: ProbeVerdict) -> Palette.Role {
        switch verdict {
        case .good: return .good
        case .bad, .abort: return .bad
        case .skip, .flaky: return .warning
        }
    }

    static func probeVerdict(_ s: BisectSummary, _ step: Int) -> ProbeVerdict? {
        s.probes.last { $0.step == step }?.verdict
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
