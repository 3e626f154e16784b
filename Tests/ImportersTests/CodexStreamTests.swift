import Foundation
import TestSupport
import XCTest

@testable import Importers
import Trace

/// A Codex rollout read a line at a time (`CodexStream`, asked for with
/// `Importer.Options.readsAgainWhole`): the spans it hands on are those of the rollout read
/// whole, in the same order; they come out long before the end; and a line that changes a span
/// handed on already makes it ask to be read again whole rather than hand on a wrong span.
final class CodexStreamTests: XCTestCase {
    /// The spans of `path` through `open` (streamed when `streams`), as native bytes, with the
    /// bytes read when the first span came out.
    func read(_ path: String, streams: Bool) throws -> (bytes: [UInt8], count: Int, firstAt: Int, total: Int) {
        let source = try TraceSource.open(
            path: path, format: .codex, options: Importer.Options(readsAgainWhole: streams), recoversBadSpans: false)
        var spans: [Span] = []
        var firstAt = -1
        while let span = try source.next() {
            if firstAt < 0 { firstAt = source.position().done }
            spans.append(span)
        }
        let total = streams ? source.position().total : 0
        return (TraceWriter.bytes(Trace(header: source.header, spans: spans)), spans.count, firstAt, total)
    }

    func wholeBytes(_ path: String) throws -> [UInt8] {
        TraceWriter.bytes(try Importer.load(path: path, format: .codex))
    }

    func testTheRealRolloutStreamsAsItReadsWhole() throws {
        let path = packageRoot + "/fixtures/codex/codex-0.140.0-alpha.19__planetfall-license.jsonl"
        let streamed = try read(path, streams: true)
        XCTAssertGreaterThan(streamed.count, 10)
        XCTAssertTrue(streamed.bytes == (try wholeBytes(path)))
        XCTAssertTrue(streamed.bytes == (try read(path, streams: false)).bytes)
    }

    /// Shell calls, patches (one that failed), code-mode scripts with their patches (one still
    /// running), messages, token counts, a call never answered: the same spans either way, and
    /// the first comes out when a sliver of the file is read.
    func testAGeneratedRolloutStreamsAsItReadsWhole() throws {
        var log = CodexLog()
        log.meta()
        log.turn("go")
        for i in 0..<1500 {
            switch i % 5 {
            case 0: log.exec("ls -la dir\(i)", output: "a\nb\n", exitCode: i % 3 == 0 ? 1 : 0)
            case 1:
                log.applyPatch(
                    "*** Begin Patch\n*** Add File: f\(i).txt\n+x\n*** End Patch\n", changes: [CodexLog.absolute("f\(i).txt"): CodexLog.add("x\n")],
                    success: i % 7 != 0)
            case 2:
                log.script(
                    "tools.apply_patch(...)", patches: [(true, [CodexLog.absolute("g\(i).txt"): CodexLog.add("y\n")])],
                    ended: i % 11 == 2 ? "Script running with cell ID 7" : "Script completed")
            case 3: log.assistant("thinking about \(i)"); log.tokenCount()
            default: log.reasoning(); log.exec("cat f\(i - 3).txt")
            }
        }
        _ = log.functionCall("exec_command", ["cmd": "sleep 100"])  // never answered
        let path = try log.save(in: try makeTemporaryDirectory(self))
        let streamed = try read(path, streams: true)
        XCTAssertTrue(streamed.bytes == (try wholeBytes(path)))
        XCTAssertGreaterThan(streamed.count, 2000)
        XCTAssertLessThan(streamed.firstAt, streamed.total / 50, "the first span comes out early")
    }

    /// A `patch_apply_end` recorded long after its call's output, when the span is handed on:
    /// the stream asks to be read again whole (naming the line); read whole, the span has it.
    /// Within the window, the stream still gives the whole reading's spans.
    func testALateEventAsksForAWholeReading() throws {
        func rollout(gap: Int) throws -> (path: String, line: Int) {
            var log = CodexLog()
            log.meta()
            log.turn("go")
            log.applyPatchRecordedLate(gap: gap)
            log.exec("true")
            return (try log.save(in: try makeTemporaryDirectory(self)), log.lines.count - 3)
        }
        let near = try rollout(gap: 10)
        XCTAssertTrue((try read(near.path, streams: true)).bytes == (try wholeBytes(near.path)))

        let far = try rollout(gap: CodexStream.window)
        do {
            _ = try read(far.path, streams: true)
            XCTFail("a span handed on was changed and the stream did not say so")
        } catch let error as TraceError {
            XCTAssertTrue(error.asksToReadAgainWhole, error.description)
            XCTAssertEqual(error.line, far.line)
        }
        let trace = try Importer.load(path: far.path, format: .codex)
        let patched = try XCTUnwrap(trace.spans.first { $0.name == "apply_patch" })
        XCTAssertEqual(patched.details?["stderr"], "refused")
        XCTAssertTrue((try read(far.path, streams: false)).bytes == (try wholeBytes(far.path)))
    }
}
