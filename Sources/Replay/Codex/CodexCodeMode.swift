import ToolSemantics
import Trace

/// Codex's code mode (0.145 and later): an `exec` call runs a JavaScript script (its `input`)
/// that calls the session's tools as `tools.NAME(…)`. Replay reads the script without running
/// it (`CodexScript`) and replays its file-changing calls in order, each as Codex would have
/// run it on its own: `tools.apply_patch` with Codex's patch semantics, checked against the
/// `patch_apply_end` the script recorded for it; `tools.exec_command` and the other shell
/// tools through the shell model. A script replay cannot read is not replayable.
///
/// How the script ended is the first line of its output: `Script completed` (every call ran),
/// `Script failed` with a `Script error:` (a `SyntaxError` means nothing ran; an `apply_patch`
/// error means the patch after the last recorded one failed and nothing after it ran), or
/// `Script running with cell ID N` (it went on in the background). A call inside a script has
/// no output of its own: a shell command's exit status is not recorded.
extension CodexDialect {
    /// How a code-mode script ended, as its output says.
    enum ScriptEnd: Equatable {
        case completed
        /// The script error (`Script error:` and what follows).
        case failed(String)
        case running
        /// No output, or one replay does not recognize.
        case unknown(String)
    }

    /// What replay knows of one call in a script.
    enum CallStatus {
        /// It ran: with this patch record, when the script recorded one for it.
        case ran(record: JSON?)
        /// It was the call that failed and stopped the script.
        case failed(String, record: JSON?)
        /// The script stopped before it.
        case neverRan
        /// Whether or how it ran is not recorded.
        case unknown(String)
    }

    func script(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        guard let source = span.input?["input"]?.stringValue else {
            return Outcome(verdict: .notReplayable, note: "the exec call has no script")
        }
        let end = Self.scriptEnd(span)
        if case .failed(let error) = end, error.hasPrefix("SyntaxError") {
            return Outcome(verdict: .failedAsRecorded, note: "the script did not run: " + firstLine(error)!)
        }
        let calls: [CodexScript.Call]
        do {
            calls = try CodexScript.calls(source)
        } catch {
            return Outcome(verdict: .notReplayable, note: "code mode: " + error.reason)
        }
        guard !calls.isEmpty else { return .served }
        let spans = calls.map { call in
            var s = span
            s.name = call.tool
            s.attributes[GenAI.toolName] = .string(call.tool)
            s.input = call.argument
            s.details = nil
            // A shell call in the script gets the canonical form an importer gives one.
            return ShellCalls.canonical(s, agent: .codex)
        }
        let patches = spans.indices.filter { isPatch(spans[$0]) }
        let records = span.details?["patch_apply_end"]?.arrayValue ?? []
        let (statuses, note) = Self.statuses(groups: calls.map(\.group), patches: patches, records: records, end: end)
        var parts: [Outcome] = []
        for (n, sub) in spans.enumerated() {
            var outcome = try replay(sub, status: statuses[n], context)
            if calls.count > 1, let text = outcome.note { outcome.note = "call \(n + 1) (tools.\(calls[n].tool)): " + text }
            parts.append(outcome)
        }
        if let overlap = Self.overlap(calls, parts) { return overlap }
        var outcome = Self.combine(parts)
        if let note { outcome.note = outcome.note.map { note + "; " + $0 } ?? note }
        return outcome
    }

    /// Whether the call is an `apply_patch`, alone or run through a shell tool.
    func isPatch(_ span: Span) -> Bool {
        span.name == "apply_patch" || (span.name != "write_stdin" && invocation(span) != nil)
    }

    /// Replays one call of a script, as `status` says it ended.
    func replay(_ sub: Span, status: CallStatus, _ context: ReplayContext) throws -> Outcome {
        var sub = sub
        switch status {
        case .ran(let record):
            sub.status = .ok
            sub.details = record
        case .failed(let error, let record):
            sub.status = .error
            sub.output = .string(error)
            sub.details = record
        case .neverRan:
            return Outcome(verdict: .failedAsRecorded, note: "the script stopped before this call")
        case .unknown(let why):
            if isPatch(sub) { return Outcome(verdict: .noResult, note: why + ": whether this patch was applied is not recorded") }
        }
        if sub.name == "apply_patch" {
            guard let patch = sub.input?.stringValue ?? sub.input?["input"]?.stringValue ?? sub.input?["patch"]?.stringValue else {
                return Outcome(verdict: .notReplayable, note: "tools.apply_patch is not given a patch")
            }
            return try applyPatch(patch, directory: nil, span: sub, context)
        }
        if let found = invocation(sub) {
            var directory = sub.input?["workdir"]?.stringValue
            if let cd = found.directory { directory = directory.map { join($0, cd) } ?? cd }
            return try applyPatch(found.patch, directory: directory, span: sub, context)
        }
        switch status {
        case .ran: return try shell.codex(sub, context, status: .unrecorded)
        case .failed(let error, _): return try shell.codex(sub, context, status: .failed(firstLine(error)))
        case .unknown(let why): return try shell.codex(sub, context, status: .unknown(why))
        case .neverRan: return Outcome(verdict: .failedAsRecorded)
        }
    }

    /// Not replayable when two calls started together both changed files (or one did and
    /// another may have): the order of their effects is unknown.
    static func overlap(_ calls: [CodexScript.Call], _ parts: [Outcome]) -> Outcome? {
        for group in Set(calls.compactMap(\.group)).sorted() {
            let members = calls.indices.filter { calls[$0].group == group }
            let writers = members.filter { !parts[$0].paths.isEmpty }
            let unseen = members.filter { parts[$0].unseenEffects && parts[$0].paths.isEmpty }
            if writers.count >= 2 || (writers.count == 1 && !unseen.isEmpty) {
                let names = members.map { "\($0 + 1)" }.joined(separator: ", ")
                return Outcome(
                    verdict: .notReplayable, paths: writers.flatMap { parts[$0].paths },
                    note: "calls \(names) started together and may each change files: the order of their effects is unknown")
            }
        }
        return nil
    }

    /// How a script ended, from the first text of its output.
    static func scriptEnd(_ span: Span) -> ScriptEnd {
        let texts = span.output?.stringValue.map { [$0] } ?? span.output?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
        guard span.status != .unset, let first = texts.first else { return .unknown("the log has no result for the script") }
        if first.hasPrefix("Script completed") { return .completed }
        if first.hasPrefix("Script running") { return .running }
        if first.hasPrefix("Script failed") {
            let all = texts.joined()
            guard let range = all.range(of: "Script error:\n") else { return .failed("") }
            return .failed(String(all[range.upperBound...]))
        }
        return .unknown("the script's output does not say how it ended")
    }

    /// What is known of each of a script's calls (given by the group each belongs to), given
    /// which are patches, the patch records the script left (in the order the patches ran)
    /// and how it ended; and a note when the records cannot be paired with the patches.
    static func statuses(groups: [Int?], patches: [Int], records: [JSON], end: ScriptEnd) -> ([CallStatus], String?) {
        let count = groups.count
        // The n-th record is the n-th patch's: patches run one after another, and each
        // recorded its end (a patch rejected before it ran records none).
        func record(_ call: Int) -> JSON? {
            patches.firstIndex(of: call).flatMap { $0 < records.count ? records[$0] : nil }
        }
        switch end {
        case .completed:
            guard records.count == patches.count else {
                let note =
                    "\(records.count) patch record\(records.count == 1 ? "" : "s") for \(patches.count) patch\(patches.count == 1 ? "" : "es"): not checked against them"
                return (Array(repeating: .ran(record: nil), count: count), records.isEmpty && patches.isEmpty ? nil : note)
            }
            return ((0..<count).map { .ran(record: record($0)) }, nil)
        case .failed(let error) where error.hasPrefix("apply_patch") && records.count <= patches.count:
            // The failing patch: the last recorded one when its record says it failed, else
            // the one after it.
            let lastFailed = records.last?["success"]?.boolValue == false
            let failing = lastFailed ? records.count - 1 : records.count
            guard failing < patches.count else { return unknown(count: count, patches: patches, records: records, why: "the script failed") }
            let at = patches[failing]
            return (
                (0..<count).map { n in
                    if n < at { return .ran(record: record(n)) }
                    if n == at { return .failed(error, record: record(n)) }
                    // A call started with the failing one ran, in part or whole.
                    return groups[n] != nil && groups[n] == groups[at] ? .unknown("it started with a patch that failed") : .neverRan
                }, nil
            )
        case .failed:
            return unknown(count: count, patches: patches, records: records, why: "the script failed")
        case .running:
            return unknown(count: count, patches: patches, records: records, why: "the script was still running")
        case .unknown(let why):
            return unknown(count: count, patches: patches, records: records, why: why)
        }
    }

    /// Statuses when the script did not finish: the calls up to the last recorded patch ran;
    /// of the others, nothing is known.
    static func unknown(count: Int, patches: [Int], records: [JSON], why: String) -> ([CallStatus], String?) {
        guard records.count <= patches.count else {
            return (Array(repeating: .unknown(why), count: count), "more patch records than patches")
        }
        let proven = records.isEmpty ? -1 : patches[records.count - 1]
        return (
            (0..<count).map { n in
                guard n <= proven else { return .unknown(why) }
                if let k = patches.firstIndex(of: n), records[k]["success"]?.boolValue == false {
                    return .failed(records[k]["stderr"]?.stringValue ?? "failed", record: records[k])
                }
                return .ran(record: patches.firstIndex(of: n).map { records[$0] })
            }, nil
        )
    }

    /// One outcome for a script's calls: the first failure among them, else applied when one
    /// applied; paths, drift and notes of all; what is known to match the recording after the
    /// last call that may have changed files unseen. A span is applied whole or not at all:
    /// a failure leaves the workspace as it was before the script.
    static func combine(_ parts: [Outcome]) -> Outcome {
        let verdict =
            parts.first { $0.verdict.isFailure }?.verdict
            ?? (parts.contains { $0.verdict == .applied }
                ? .applied
                : (parts.contains { $0.verdict == .failedAsRecorded } ? .failedAsRecorded : .served))
        var outcome = Outcome(verdict: verdict)
        var synced: [RepoPath] = []
        var notes: [String] = []
        for part in parts {
            for p in part.paths where !outcome.paths.contains(p) { outcome.paths.append(p) }
            outcome.drift += part.drift
            if let note = part.note { notes.append(note) }
            if part.unseenEffects { synced = [] }
            outcome.unseenEffects = outcome.unseenEffects || part.unseenEffects
            let matched = part.synced ?? part.paths
            synced.removeAll { part.paths.contains($0) && !matched.contains($0) }
            for p in matched where !synced.contains(p) { synced.append(p) }
        }
        outcome.synced = synced
        if verdict.isFailure, parts.contains(where: { $0.verdict == .applied }) {
            notes.append("so nothing of the script is applied")
        }
        if !notes.isEmpty { outcome.note = notes.joined(separator: "; ") }
        return outcome
    }
}
