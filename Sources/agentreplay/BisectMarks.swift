import Bisect
import Foundation
import Insight
import Trace

/// What a bisect found, read back for `report --bisect`: from its log (`bisect --log`, whose
/// search is replayed from the recorded verdicts, as `bisect replay` does) or from its
/// `--json` document.
struct BisectMarks {
    var traceID: String?
    var highlights: [Highlight]
    var summary: String

    /// What each refusal of the file suggests.
    static let hint = "pass the file `agentreplay bisect --log FILE` wrote, or what `bisect --json` printed"

    static func read(_ path: String) throws -> BisectMarks {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIFailure(message: "\(path): cannot read the bisect result (--bisect)", hint: hint)
        }
        let bytes = Array(data)
        let firstLine = bytes.split(separator: 0x0A, maxSplits: 1, omittingEmptySubsequences: true).first ?? []
        if let header = try? TraceReader.parse(firstLine, file: path, line: 1), header["schema"]?.stringValue == BisectLog.schema {
            return try fromLog(bytes, path: path)
        }
        let document: JSON
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw CLIFailure(message: "\(path): not a bisect log or `bisect --json` document: \(error)", hint: hint)
        }
        guard document["schema"]?.stringValue == "agentreplay.bisect" else {
            throw CLIFailure(
                message: "\(path): schema: not a bisect log (\(BisectLog.schema)) or `bisect --json` document (agentreplay.bisect)", hint: hint)
        }
        do {
            return fromDocument(try JSONDecoder().decode(Found.self, from: data))
        } catch {
            throw CLIFailure(message: "\(path): not a `bisect --json` document: \(VisibleText.escape(String(describing: error)))", hint: hint)
        }
    }

    static func fromLog(_ bytes: [UInt8], path: String) throws -> BisectMarks {
        let log: LogReplay.Log
        do {
            log = try LogReplay.read(bytes, name: path)
        } catch let error as BisectError {
            throw CLIFailure(message: "\(error)", hint: hint)
        }
        let test = log.header.test
        func span(_ number: Int) -> Span.ID? {
            number >= 1 && number <= log.header.candidates.count ? Span.ID(log.header.candidates[number - 1].spanID) : nil
        }
        var marks: [Highlight] = []
        let summary: String
        switch try LogReplay.replay(log) {
        case .found(let step)?:
            if let id = span(step) { marks.append(Highlight(kind: .culprit, spanID: id, detail: "the first span whose edits make `\(test)` fail")) }
            summary = "Bisect of `\(test)`: the culprit is span \(span(step)?.rawValue ?? "?") (candidate \(step) of \(log.header.candidates.count))."
        case .ambiguous(let range)?:
            for n in range {
                if let id = span(n) {
                    marks.append(Highlight(kind: .candidate, spanID: id, detail: "one of the spans a bisect of `\(test)` could not tell apart"))
                }
            }
            summary = "Bisect of `\(test)`: the culprit is one of candidates \(range.lowerBound)–\(range.upperBound)."
        case .minimal(let set)?:
            for n in set {
                if let id = span(n) {
                    marks.append(Highlight(kind: .candidate, spanID: id, detail: "in the smallest set of spans that make `\(test)` fail"))
                }
            }
            summary = "Bisect of `\(test)`: a minimal failing set of \(set.count) span\(set.count == 1 ? "" : "s")."
        case let outcome?:
            summary = "Bisect of `\(test)`: \(outcome.name), no culprit."
        case nil:
            summary = "Bisect of `\(test)`: the log ends before the search did."
        }
        return BisectMarks(traceID: log.header.traceID, highlights: marks, summary: summary)
    }

    /// What `report --bisect` reads of a `bisect --json` document (`BisectDocument`).
    struct Found: Decodable {
        struct Candidate: Decodable {
            var spanID: String?
            enum CodingKeys: String, CodingKey { case spanID = "span_id" }
        }
        var traceID: String?
        var test: String?
        var result: String?
        var culprit: Candidate?
        var minimal: [Candidate]?
        var range: [Candidate]?
        enum CodingKeys: String, CodingKey {
            case traceID = "trace_id"
            case test, result, culprit, minimal, range
        }
    }

    static func fromDocument(_ d: Found) -> BisectMarks {
        let test = d.test ?? "the test"
        var marks: [Highlight] = []
        var summary = "Bisect of `\(test)`: \(d.result ?? "no result")"
        if let id = d.culprit?.spanID {
            marks.append(Highlight(kind: .culprit, spanID: Span.ID(id), detail: "the first span whose edits make `\(test)` fail"))
            summary += ", the culprit is span \(id)"
        }
        for id in ((d.minimal ?? []) + (d.range ?? [])).compactMap(\.spanID) {
            marks.append(Highlight(kind: .candidate, spanID: Span.ID(id), detail: "a candidate of the bisect of `\(test)`"))
        }
        return BisectMarks(traceID: d.traceID, highlights: marks, summary: summary + ".")
    }
}
