import Foundation
import XCTest

/// `-o FILE` writes a regular file whole (beside, then renamed over), and writes a device or
/// a FIFO in place: renaming over one would replace, say, /dev/null with a plain file.
final class OutputFileTests: XCTestCase {
    func testAFIFOStaysAFIFO() throws {
        let folder = try makeTemporaryDirectory(self, "output")
        let fifo = folder + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for (command, start) in [(["export", "--otlp"], #"{"resourceSpans":"#), (["import"], #"{"agentreplay":"trace""#)] {
            // A reader at the other end, as a shell's `<(…)` or a logging pipe would be.
            let received = Box()
            let done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                if let handle = FileHandle(forReadingAtPath: fifo) {
                    received.data = handle.readDataToEndOfFile()
                    try? handle.close()
                }
                done.signal()
            }
            let r = try CLI.run(command + ["fixtures/example/session.jsonl", "-o", fifo], in: packageRoot)
            XCTAssertEqual(r.status, 0, "\(r)")
            XCTAssertEqual(done.wait(timeout: .now() + 60), .success)
            var info = stat()
            XCTAssertEqual(stat(fifo, &info), 0)
            XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO, "\(command[0]) -o replaced the FIFO with a file")
            XCTAssertTrue(String(decoding: received.data, as: UTF8.self).hasPrefix(start), command[0])
        }
    }

    func testARegularFileIsReplacedWhole() throws {
        let folder = try makeTemporaryDirectory(self, "output")
        let out = folder + "/trace.otlp.json"
        try Data("old".utf8).write(to: URL(fileURLWithPath: out))
        let r = try CLI.run(["export", "--otlp", "fixtures/example/session.jsonl", "-o", out], in: packageRoot)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(r.stdout, [], "written to the file, not to standard output")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix(#"{"resourceSpans":"#) && text.hasSuffix("}\n"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["trace.otlp.json"], "nothing left beside it")

        let denied = try CLI.run(["export", "--otlp", "fixtures/example/session.jsonl", "-o", folder + "/no/such/folder/x.json"], in: packageRoot)
        XCTAssertEqual(denied.status, 2)
        XCTAssertTrue(denied.stderrText.contains("hint: check that the folder exists"), denied.stderrText)
    }

    final class Box: @unchecked Sendable { var data = Data() }
}
