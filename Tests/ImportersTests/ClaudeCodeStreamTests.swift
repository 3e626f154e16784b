import Foundation
import XCTest

@testable import Importers
import Trace

/// A Claude Code log read a line at a time (`ClaudeCodeStream`): the spans it hands on, as soon
/// as their place is settled, are the spans and the order of the log read whole first and
/// merged by time (what the importer gave before it streamed), and they do come out early.
final class ClaudeCodeStreamTests: XCTestCase {
    /// Generated logs with split messages, parallel calls answered out of order, calls never
    /// answered (in the middle and at the end), user lines, compactions, late lines of a
    /// message, inline sidechains and times that repeat: both roads give the same bytes.
    func testStreamedSpansAreTheWholeLogsSpansMergedByTime() throws {
        try compareRoads(seeds: 1...120, backwards: false)
    }

    /// Times that go backwards now and then (a clock change, parallel sidechains): a call
    /// never answered may then start before spans already handed on, but it cannot come
    /// before its turn, which comes after them; the roads still agree.
    func testStreamedSpansAreTheWholeLogsSpansWhenTimesGoBackwards() throws {
        try compareRoads(seeds: 1001...1060, backwards: true)
    }

    func compareRoads(seeds: ClosedRange<UInt64>, backwards: Bool) throws {
        let directory = try makeTemporaryDirectory(self)
        var early = 0, unanswered = 0, agents = 0, events = 0, lateTurns = 0, logs = 0, unansweredAfterLater = 0
        for seed in seeds {
            let log = GeneratedLog(seed: seed, steps: 40 + Int(seed % 5) * 40, backwards: backwards).log
            let path = try log.save(in: directory, name: "session-\(seed).jsonl")
            let importer = ClaudeCodeImporter(path: path, displayName: "session.jsonl")
            let whole = try read(importer.stream(whole: true))
            let streamed = try read(importer.stream())
            XCTAssertTrue(streamed.bytes == whole.bytes, "seed \(seed): \(firstDifference(streamed.bytes, whole.bytes))")
            XCTAssertTrue(TraceWriter.bytes(try Importer.load(path: path, displayName: "session.jsonl")) == whole.bytes, "seed \(seed): run()")
            XCTAssertEqual(whole.firstAt, whole.total, "the whole road reads to the end first")
            logs += 1
            if streamed.firstAt < streamed.total { early += 1 }
            unanswered += whole.trace.spans.filter { $0.kind == .tool && $0.status == .unset }.count
            // Calls never answered that come after a span that started later than they did.
            var latest: Timestamp?
            for span in whole.trace.spans {
                if span.kind == .tool, span.status == .unset, let start = span.startTime, let latest, latest > start { unansweredAfterLater += 1 }
                if let start = span.startTime, latest.map({ start > $0 }) ?? true { latest = start }
            }
            agents += whole.trace.spans.filter { $0.kind == .agent }.count
            events += whole.trace.spans.filter { $0.kind == .event }.count
            let turnIDs = whole.trace.spans.filter { $0.kind == .llm }.map { $0.attributes[GenAI.responseID] }
            lateTurns += turnIDs.count - Set(turnIDs.map { "\(String(describing: $0))" }).count
        }
        // The logs do hold what the comparison is about, and the stream does hand spans on early.
        XCTAssertGreaterThan(unanswered, logs / 6)
        XCTAssertGreaterThan(agents, logs / 6)
        XCTAssertGreaterThan(events, logs / 6)
        XCTAssertGreaterThan(lateTurns, logs / 6)
        if backwards { XCTAssertGreaterThan(unansweredAfterLater, 0, "the case the parent rule settles is there") }
        XCTAssertGreaterThan(early, logs / 2, "most logs' first span comes out before the log is read to its end")
    }

    func testRealLogsStreamAsTheyReadWhole() throws {
        for name in RealLogTests.logs {
            let importer = ClaudeCodeImporter(path: packageRoot + "/fixtures/claude/" + name)
            let whole = try read(importer.stream(whole: true))
            let streamed = try read(importer.stream())
            XCTAssertEqual(streamed.trace.spans.count, whole.trace.spans.count, name)
            XCTAssertTrue(streamed.bytes == whole.bytes, "\(name): \(firstDifference(streamed.bytes, whole.bytes))")
            // The first span comes out once its line, or the line after it (a model turn's
            // next line may be more of its message), is read.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: packageRoot + "/fixtures/claude/" + name))
            let ends = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }.map { $0 + 1 }
            let line = try XCTUnwrap(streamed.trace.spans.first?.attributes[GenAI.sourceLine]?.intValue)
            XCTAssertLessThanOrEqual(streamed.firstAt, ends[Int(line)], "\(name): the first span comes out early")
            XCTAssertLessThan(streamed.firstAt, streamed.total / 2, name)
        }
    }

    /// A few thousand lines: the first span is handed on when little of the file is read, and
    /// spans come out all along the file.
    func testTheFirstSpanComesOutLongBeforeTheEnd() throws {
        var log = ClaudeLog()
        log.user("go")
        for i in 0..<1500 { log.edit("f\(i % 7).txt", "a", "b") }
        let path = try log.save(in: try makeTemporaryDirectory(self))
        let stream = try ClaudeCodeImporter(path: path).stream()
        _ = try stream.header()
        XCTAssertEqual(try stream.next()?.kind, .user)
        let total = stream.position.total
        XCTAssertGreaterThan(total, 500_000)
        XCTAssertLessThan(stream.position.done, total / 100, "the header and the first span need only the first lines")
        var positions: [Int] = []
        while try stream.next() != nil { positions.append(stream.position.done) }
        XCTAssertEqual(positions.count, 3000)
        XCTAssertLessThan(positions[1499], total * 6 / 10, "the middle span comes out by the middle of the file")
        XCTAssertEqual(stream.position.done, total)
    }

    /// A call never answered is placed by its start: every span after it waits for the end of
    /// the log (the call may yet be answered), then comes out in the merged order.
    func testANeverAnsweredCallHoldsBackTheSpansAfterIt() throws {
        var log = ClaudeLog()
        log.user("go")  // t0
        log.tool("Grep", ["pattern": "x"], result: "r", id: "toolu_before")  // t1, t2
        log.assistant(calls: [("toolu_never", "Bash", ["command": "sleep 1000"])], messageID: "msg_never")  // t3
        log.user("still there?")  // t4
        for i in 0..<1000 { log.tool("Grep", ["pattern": .string("p\(i)")], result: "r", id: "toolu_\(i)") }
        let path = try log.save(in: try makeTemporaryDirectory(self))
        let stream = try ClaudeCodeImporter(path: path).stream()
        _ = try stream.header()
        let total = stream.position.total
        var out: [(span: Span, done: Int)] = []
        while let span = try stream.next() { out.append((span, stream.position.done)) }

        XCTAssertEqual(out.map(\.span.toolCallID).prefix(6), [nil, nil, "toolu_before", nil, "toolu_never", nil])
        XCTAssertEqual(out[3].span.attributes[GenAI.responseID], "msg_never")
        for i in 0..<4 {
            XCTAssertLessThan(out[i].done, total / 10, "span \(i), before the call, comes out at once")
        }
        XCTAssertEqual(out[4].done, total, "the unanswered call comes out once the log is read")
        XCTAssertEqual(out[5].span.input, "still there?")
        XCTAssertEqual(out[4].span.status, .unset)
        XCTAssertEqual(out.count, 6 + 2000)
        let whole = try read(ClaudeCodeImporter(path: path).stream(whole: true))
        XCTAssertEqual(whole.trace.spans, out.map(\.span))
    }

    /// Answered at last: the spans it held back come out then, before the log's end.
    func testACallAnsweredLateReleasesTheSpansItHeld() throws {
        var log = ClaudeLog()
        log.assistant(calls: [("toolu_slow", "Bash", ["command": "make"])])  // t0
        for i in 0..<200 { log.tool("Grep", ["pattern": .string("p\(i)")], result: "r") }
        log.result("toolu_slow", "built")
        for i in 0..<1000 { log.tool("Grep", ["pattern": .string("q\(i)")], result: "r") }
        let path = try log.save(in: try makeTemporaryDirectory(self))
        let stream = try ClaudeCodeImporter(path: path).stream()
        _ = try stream.header()
        XCTAssertEqual(try stream.next()?.kind, .llm)
        let second = try XCTUnwrap(try stream.next())
        let atSecond = stream.position.done
        XCTAssertEqual(second.kind, .llm, "the first Grep's turn")
        XCTAssertGreaterThan(atSecond, stream.position.total * 10 / 100, "held until the slow call's result")
        XCTAssertLessThan(atSecond, stream.position.total * 25 / 100, "released by the slow call's result")
    }

    func testALateLineOfAMessageIsATurnOfItsOwnWithoutUsage() throws {
        let usage: JSON = ["input_tokens": 3, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 1000, "output_tokens": 50]
        var log = ClaudeLog()
        log.assistant(text: "Let me look.", calls: [("toolu_1", "Grep", ["pattern": "x"])], messageID: "msg_late", usage: usage)  // line 1
        log.result("toolu_1", "a")  // line 2
        log.assistant(calls: [("toolu_2", "Glob", ["pattern": "y"])], messageID: "msg_late", usage: usage)  // line 3
        log.result("toolu_2", "b")  // line 4
        let trace = try importLog(log)

        XCTAssertEqual(trace.kinds, ["llm", "tool:Grep", "llm", "tool:Glob"])
        let first = trace.spans[0], late = trace.spans[2]
        var ids = StableID()
        XCTAssertEqual(first.id, ids.span("turn:msg_late"))
        XCTAssertEqual(late.id, ids.span("turn:msg_late"), "the same key, made unique")
        XCTAssertEqual(late.id, Span.ID(StableID.hex(StableID.fnv1a("turn:msg_late#1"))))
        XCTAssertEqual(late.attributes[GenAI.responseID], "msg_late")
        XCTAssertEqual(late.attributes[GenAI.sourceLine], 3)
        XCTAssertEqual(first.usage, Usage(inputTokens: 3, outputTokens: 50, cacheReadTokens: 1000, cacheCreationTokens: 100))
        XCTAssertEqual(late.usage, Usage(), "the message's usage counts once")
        XCTAssertNil(late.attributes[GenAI.inputTokens])
        XCTAssertEqual(first.output, ["text": "Let me look.", "tool_calls": ["toolu_1"]])
        XCTAssertEqual(late.output, ["text": "", "tool_calls": ["toolu_2"]])
        XCTAssertEqual(try trace.tool("toolu_1").parentID, first.id)
        XCTAssertEqual(try trace.tool("toolu_2").parentID, late.id)
    }

    /// Compactions close a turn as user lines do.
    func testACompactionEndsAMessagesTurn() throws {
        var log = ClaudeLog()
        log.assistant(text: "a", messageID: "msg_c")
        log.append(log.line(type: "system", [("subtype", "compact_boundary"), ("compactMetadata", ["trigger": "auto"])]))
        log.assistant(text: "b", messageID: "msg_c")
        let trace = try importLog(log)
        XCTAssertEqual(trace.kinds, ["llm", "event", "llm"])
        XCTAssertEqual(trace.spans[0].output?["text"], "a")
        XCTAssertEqual(trace.spans[2].output?["text"], "b")
        XCTAssertNotEqual(trace.spans[0].id, trace.spans[2].id)
    }

    // MARK: Helpers

    struct Read {
        var trace: Trace
        var bytes: [UInt8]
        /// Bytes of the file read when the first span came out, and the file's size.
        var firstAt: Int
        var total: Int
    }

    func read(_ stream: ClaudeCodeStream) throws -> Read {
        let header = try stream.header()
        var spans: [Span] = []
        var firstAt = -1
        while let span = try stream.next() {
            if firstAt < 0 { firstAt = stream.position.done }
            spans.append(span)
        }
        let trace = Trace(header: header, spans: spans)
        return Read(trace: trace, bytes: TraceWriter.bytes(trace), firstAt: firstAt, total: stream.position.total)
    }

    /// The first line where two traces' bytes differ, for a failure's message.
    func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        let la = String(decoding: a, as: UTF8.self).split(separator: "\n"), lb = String(decoding: b, as: UTF8.self).split(separator: "\n")
        for i in 0..<max(la.count, lb.count) where i >= la.count || i >= lb.count || la[i] != lb[i] {
            return "line \(i + 1):\n  \(i < la.count ? la[i].prefix(300) : "(none)")\n  \(i < lb.count ? lb[i].prefix(300) : "(none)")"
        }
        return "none"
    }
}

/// A Claude Code log made from a seed (SplitMix64): the same seed, the same bytes.
struct GeneratedLog {
    private(set) var log = ClaudeLog()
    private var random: UInt64
    private var clock: Int64 = 0
    /// Calls that will be answered, in the order they were made.
    private var waiting: [String] = []
    private var lastMessage: String?
    private var mainChain: String?
    /// One line in ten goes back up to four seconds.
    private let backwards: Bool

    init(seed: UInt64, steps: Int, backwards: Bool = false) {
        self.backwards = backwards
        random = seed &* 0x9E37_79B9_7F4A_7C15
        tick()
        log.user("start \(seed)")
        for _ in 0..<steps { step() }
        // What is still waiting at the end: some answered, the rest never.
        while !waiting.isEmpty && chance(50) { answer() }
    }

    private mutating func next() -> UInt64 {
        random &+= 0x9E37_79B9_7F4A_7C15
        var z = random
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    private mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    /// The next line's time: the same as the last one's, or later (or, with `backwards`, earlier).
    private mutating func tick() {
        if chance(70) { clock += Int64(1 + below(3)) }
        if backwards && chance(10) { clock = max(0, clock - Int64(1 + below(4))) }
        log.at(clock)
    }

    private mutating func newCall(_ name: String = "Grep") -> (id: String, name: String, input: JSON) {
        let id = log.nextID("toolu_")
        // One call in eight is never answered.
        if !chance(12) { waiting.append(id) }
        return (id, name, ["pattern": .string(id)])
    }

    private mutating func step() {
        switch below(12) {
        case 0, 1:
            tick()
            log.user("say \(log.nextID("u"))")
        case 2, 3, 4:
            // A message over one to three lines, each a text or one or two calls.
            let message = log.nextID("msg_")
            for _ in 0...below(3) {
                tick()
                if chance(30) {
                    log.assistant(text: "thinking", messageID: message)
                } else {
                    let calls = (0...below(2)).map { _ in newCall() }
                    log.assistant(calls: calls, messageID: message)
                }
            }
            lastMessage = message
        case 5, 6, 7:
            if !waiting.isEmpty { answer() }
        case 8:
            tick()
            if chance(50) {
                log.append(log.line(type: "system", [("subtype", "compact_boundary"), ("compactMetadata", ["trigger": "auto"])]))
            } else {
                // Summary lines carry no time.
                log.append(["type": "summary", "summary": "so far", "leafUuid": .string(log.lastLine ?? "")])
            }
        case 9:
            // A late line of the last message, after other lines.
            guard let message = lastMessage else { return }
            tick()
            if chance(50) {
                log.assistant(text: "more", messageID: message)
            } else {
                log.assistant(calls: [newCall()], messageID: message)
            }
        case 10:
            sidechain()
        default:
            tick()
            log.append(log.line(type: "system", [("subtype", "stop_hook_summary")]))
        }
    }

    /// One to three waiting calls answered, in any order: a line each, or one line for all.
    private mutating func answer() {
        var chosen: [String] = []
        for _ in 0...below(3) where !waiting.isEmpty {
            chosen.append(waiting.remove(at: below(waiting.count)))
        }
        tick()
        if chosen.count > 1 && chance(50) {
            let blocks = chosen.map { JSON.object([("tool_use_id", .string($0)), ("type", "tool_result"), ("content", "r")]) }
            log.append(log.line(type: "user", [("message", ["role": "user", "content": .array(blocks)])]))
        } else {
            for (i, id) in chosen.enumerated() {
                if i > 0 { tick() }
                log.result(id, .string("r \(id)"), isError: chance(10))
            }
        }
    }

    /// A Task call, then an inline sub-agent's lines (`isSidechain`, a chain of their own),
    /// then the main chain again; the Task call is answered later, or never.
    private mutating func sidechain() {
        tick()
        let task = log.nextID("toolu_task_")
        let prompt = "look for \(task)"
        log.assistant(calls: [(task, "Task", ["prompt": .string(prompt), "description": "look"])])
        if chance(85) { waiting.append(task) }
        mainChain = log.lastLine
        log.sidechain = true
        log.newChain()
        tick()
        log.user(prompt)
        for _ in 0...below(3) {
            tick()
            let call = log.nextID("toolu_side_")
            log.assistant(calls: [(call, "Read", ["file_path": "/home/dev/project/a.txt"])])
            if chance(85) {
                tick()
                log.result(call, "1\ta")
            }
        }
        log.sidechain = false
        log.continueChain(after: mainChain)
    }
}
