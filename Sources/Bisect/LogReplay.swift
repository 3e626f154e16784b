import Git
import Trace

/// `agentreplay bisect replay`: the search of a bisect log, done again from the verdicts the
/// log records, without running a test. The searches are values, so this is the same code
/// that ran the bisect, fed from the log: each state it asks for must be the log's next
/// probe, or the log is not of this search.
public enum LogReplay {
    public struct Log: Sendable {
        public var header: BisectLog.Header
        public var probes: [ProbeRecord]
        /// The `result` the log recorded, when the search ended.
        public var result: String?
    }

    /// Reads a log; errors name the line.
    public static func read(_ bytes: [UInt8], name: String) throws -> Log {
        var header: BisectLog.Header?
        var probes: [ProbeRecord] = []
        var result: String?
        var number = 0
        for slice in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            if slice.isEmpty { continue }
            let value = try TraceReader.parse(slice, file: name, line: number)
            func fail(_ message: String) -> BisectError { .invalid("\(name):\(number): \(message)") }
            if header == nil {
                guard value["schema"]?.stringValue == BisectLog.schema else {
                    throw fail("not an agentreplay bisect log (no \"schema\": \"\(BisectLog.schema)\")")
                }
                guard value["version"]?.intValue == BisectLog.version else {
                    throw fail("unsupported version; this agentreplay reads version \(BisectLog.version)")
                }
                header = try decodeHeader(value, fail)
            } else if let text = value["result"]?.stringValue {
                result = text
            } else {
                probes.append(try decodeProbe(value, fail))
            }
        }
        guard let header else { throw BisectError.invalid("\(name): empty: a bisect log starts with its header line") }
        return Log(header: header, probes: probes, result: result)
    }

    /// Replays the search; returns its outcome, or nil when the log ends before the search
    /// does (an interrupted bisect), with the probes used.
    public static func replay(_ log: Log) throws -> BisectOutcome? {
        var probes = log.probes[...]
        func take(_ matches: (ProbeRecord) -> Bool, _ what: String) throws -> ProbeRecord? {
            guard let probe = probes.first else { return nil }
            guard matches(probe) else {
                throw BisectError.invalid(
                    "the log's probe \(probe.number) is not the search's next (\(what)): the log was not written by this search")
            }
            probes = probes.dropFirst()
            return probe
        }
        /// Runs `search` on the log's probes: each must be the one it asks for next.
        func follow<Search: ProbeSearch>(
            _ search: inout Search, _ probeOf: (ProbeRecord) -> Search.Probe?, _ what: (Search.Probe) -> String
        ) throws -> BisectOutcome? {
            while true {
                switch search.next() {
                case .done(let outcome): return outcome
                case .probe(let wanted):
                    for p in wanted {
                        guard let probe = try take({ probeOf($0) == p }, what(p)) else { return nil }
                        search.mark(p, probe.verdict, status: probe.status)
                    }
                }
            }
        }
        let jobs = log.header.jobs
        if log.header.mode == "minimal" {
            var minimizer = Minimizer(count: log.header.candidates.count, jobs: jobs)
            return try follow(&minimizer, \.combination) { "combination \($0)" }
        }
        var bisector = Bisector(trees: [log.header.baseTree] + log.header.candidates.map(\.tree), jobs: jobs)
        return try follow(&bisector, \.step) { "state \($0)" }
    }

    private static func decodeHeader(_ v: JSON, _ fail: (String) -> BisectError) throws -> BisectLog.Header {
        func string(_ key: String) throws -> String {
            guard let s = v[key]?.stringValue else { throw fail("field '\(key)': expected a string") }
            return s
        }
        func optional(_ key: String) -> String? { v[key]?.stringValue }
        func int(_ key: String) throws -> Int {
            guard let n = v[key]?.intValue else { throw fail("field '\(key)': expected an integer") }
            return Int(n)
        }
        guard let list = v["candidates"]?.arrayValue else { throw fail("field 'candidates': expected an array") }
        let candidates = try list.map { c -> BisectLog.Header.Candidate in
            guard let number = c["number"]?.intValue, let span = c["span_id"]?.stringValue, let tree = c["tree"]?.stringValue else {
                throw fail("field 'candidates': each needs number, span_id and tree")
            }
            return .init(number: Int(number), spanID: span, callID: c["tool_call_id"]?.stringValue, tree: tree)
        }
        var timeout: Double?
        if case .number(let text)? = v["timeout"] { timeout = Double(text) }
        var header = BisectLog.Header(
            mode: try string("mode"), trace: optional("trace"), repo: try string("repo"), base: optional("base"),
            head: optional("head"), from: optional("from"), recordedRoot: optional("recorded_root"),
            test: try string("test"), jobs: try int("jobs"), retries: try int("retries"), timeout: timeout,
            timeoutVerdict: try string("timeout_verdict"), traceID: try string("trace_id"),
            baseTree: try string("base_tree"), candidates: candidates)
        guard header.mode == "bisect" || header.mode == "minimal" else { throw fail("field 'mode': expected bisect or minimal") }
        header.jobs = max(1, header.jobs)
        return header
    }

    private static func decodeProbe(_ v: JSON, _ fail: (String) -> BisectError) throws -> ProbeRecord {
        guard let number = v["probe"]?.intValue else { throw fail("field 'probe': expected an integer") }
        guard let hex = v["tree"]?.stringValue, let tree = ObjectID(hex: hex) else { throw fail("field 'tree': expected an object id") }
        guard let text = v["verdict"]?.stringValue, let verdict = ProbeVerdict(rawValue: text) else {
            throw fail("field 'verdict': expected one of \(ProbeVerdict.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let runs = try (v["runs"]?.arrayValue ?? []).map { r -> ProbeRecord.Run in
            guard let status = r["status"]?.intValue else { throw fail("field 'runs': each needs a status") }
            return ProbeRecord.Run(status: Int32(truncatingIfNeeded: status), timedOut: r["timed_out"]?.boolValue ?? false)
        }
        let combination = try v["combination"]?.arrayValue.map { list in
            try list.map { item -> Int in
                guard let n = item.intValue else { throw fail("field 'combination': expected integers") }
                return Int(n)
            }
        }
        return ProbeRecord(
            number: Int(number), step: v["step"]?.intValue.map { Int($0) }, combination: combination,
            tree: tree, runs: runs, verdict: verdict, note: v["note"]?.stringValue)
    }
}
