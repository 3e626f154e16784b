import Foundation
import XCTest

/// CLI snapshots: a command's standard output, standard error and exit status, each kept in
/// its own file under `Tests/CLITests/Snapshots/` (`<name>.stdout`, `<name>.stderr`,
/// `<name>.status`), compared byte for byte.
///
/// To re-record after an intended change of output, run the tests with
/// `AGENTREPLAY_RECORD_SNAPSHOTS=1` (e.g. `AGENTREPLAY_RECORD_SNAPSHOTS=1 swift test --filter
/// CLITests.SnapshotTests`), then review `git diff Tests/CLITests/Snapshots` and commit it.
/// A missing snapshot fails the test (it is never recorded silently).
enum Snapshot {
    static let folder = packageRoot + "/Tests/CLITests/Snapshots"
    static let recording = ProcessInfo.processInfo.environment["AGENTREPLAY_RECORD_SNAPSHOTS"].map { !$0.isEmpty && $0 != "0" } ?? false

    static func assert(_ result: Subprocess.Result, matches name: String, file: StaticString = #filePath, line: UInt = #line) {
        let parts: [(String, [UInt8])] = [
            ("stdout", result.stdout), ("stderr", result.stderr), ("status", Array("\(result.status)\n".utf8)),
        ]
        for (stream, actual) in parts {
            let path = "\(folder)/\(name).\(stream)"
            if recording {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                    try Data(actual).write(to: URL(fileURLWithPath: path))
                } catch {
                    XCTFail("cannot record \(path): \(error)", file: file, line: line)
                }
                continue
            }
            guard let expected = FileManager.default.contents(atPath: path) else {
                XCTFail("no snapshot \(path): record it with AGENTREPLAY_RECORD_SNAPSHOTS=1", file: file, line: line)
                continue
            }
            if Array(expected) != actual {
                XCTFail(
                    """
                    \(name).\(stream) differs from its snapshot (\(difference(Array(expected), actual)));
                    if the change is meant, re-record with AGENTREPLAY_RECORD_SNAPSHOTS=1 and review git diff
                    --- actual \(stream)
                    \(String(decoding: actual, as: UTF8.self))
                    """, file: file, line: line)
            }
        }
    }

    /// Where two outputs part: the first differing line, both ways.
    static func difference(_ expected: [UInt8], _ actual: [UInt8]) -> String {
        let a = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let b = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? String(a[i]) : "(end)", y = i < b.count ? String(b[i]) : "(end)"
            if x != y { return "line \(i + 1): expected \(x.debugDescription), got \(y.debugDescription)" }
        }
        return "same lines, different bytes"
    }
}
