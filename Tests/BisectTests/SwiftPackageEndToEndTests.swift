import Foundation
import TestSupport
import Trace
import XCTest

/// `agentreplay run` then `agentreplay bisect --test "swift test"` on a tiny SwiftPM package
/// (one library, one test), as the README shows. Each probe builds for real (the first cold,
/// the next ones reusing the worktree's `.build`): about 15 s on two cores, so it runs only with
/// AGENTREPLAY_SLOW_TESTS=1 (`TestGate`; CI sets it).
final class SwiftPackageEndToEndTests: XCTestCase {
    func testBisectsASwiftPackageWithSwiftTest() throws {
        try TestGate.slow("builds a SwiftPM package for every probe")
        let fixture = try BisectFixture(
            self,
            files: [
                "Package.swift": """
                // swift-tools-version:5.9
                import PackageDescription

                let package = Package(
                    name: "Calc",
                    targets: [
                        .target(name: "Calc"),
                        .testTarget(name: "CalcTests", dependencies: ["Calc"]),
                    ]
                )

                """,
                "Sources/Calc/Calc.swift": "public func add(_ a: Int, _ b: Int) -> Int {\n    a + b\n}\n",
                "Tests/CalcTests/CalcTests.swift": """
                import Calc
                import XCTest

                final class CalcTests: XCTestCase {
                    func testAdd() {
                        XCTAssertEqual(add(2, 3), 5)
                    }
                }

                """,
            ])
        let source = "Sources/Calc/Calc.swift"
        let trace = fixture.trace([
            .edit(source, "public func add", "/// The sum of two numbers.\npublic func add"),
            .write("Sources/Calc/Multiply.swift", "public func multiply(_ a: Int, _ b: Int) -> Int {\n    a * b\n}\n"),
            .edit("Sources/Calc/Multiply.swift", "    a * b\n", "    b * a\n"),
            .edit(source, "    a + b\n", "    a &+ b &+ 1\n"),
            .write("README.md", "# Calc\n"),
            .edit(source, "/// The sum of two numbers.\n", "/// The sum of two numbers (wrapping).\n"),
        ])
        let path = fixture.root + "/trace.ndjson"
        try Data(TraceWriter.bytes(trace)).write(to: URL(fileURLWithPath: path))
        let cli = AgentReplayCLI(fixture: fixture)
        XCTAssertEqual(try cli("run", path, "--repo", ".").status, 0)
        let before = try fixture.snapshot()
        let started = Date()
        let result = try cli("bisect", "--test", "swift test", "--json")
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(result.status, 0, result.stderr + result.stdout)
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        XCTAssertEqual((document?["culprit"] as? [String: Any])?["tool_call_id"] as? String, "call_4")
        XCTAssertLessThanOrEqual(document?["test_runs"] as? Int ?? 99, 5, "ceil(log2 6) + 2")
        XCTAssertEqual(try fixture.snapshot(), before)
        print("bisect of a SwiftPM package with swift test: \(Int(seconds)) s")
    }
}
