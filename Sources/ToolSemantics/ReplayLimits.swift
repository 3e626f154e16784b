import Foundation
import Trace

/// How much work and memory one span of a log may ask replay for. A log is untrusted: a
/// 5 KB one can ask for a 2 GiB file (`replace_all` with a longer string, `sed 's/.*/&&/'`,
/// `cat a a > b` again and again) or a tree that doubles each step (`cp -r d e && mv e d/eN`).
/// Past a limit the span is `refused`, its note naming the limit and the variable that raises
/// it, and the run goes on; nothing is allocated first.
///
/// The defaults are far above every real session seen (the largest file written by a corpus
/// session is a few MB); each can be raised for one process with its environment variable
/// (`docs/security.md`, "Limits"): a whole number of bytes or entries, with an optional `K`,
/// `M` or `G` (powers of 1024).
public struct ReplayLimits: Sendable, Equatable {
    /// The largest file replay holds (`AGENTREPLAY_MAX_FILE_BYTES`, default 16 MiB).
    public var fileBytes: Int
    /// The most bytes one span may write, over all its files (`AGENTREPLAY_MAX_SPAN_BYTES`,
    /// default 256 MiB).
    public var spanBytes: Int
    /// The most paths one span may write or delete (`AGENTREPLAY_MAX_SPAN_PATHS`, default
    /// 10,000).
    public var spanPaths: Int
    /// The most components in a path (`AGENTREPLAY_MAX_PATH_DEPTH`, default 1,024; Linux's
    /// `PATH_MAX` of 4,096 bytes holds at most 2,048).
    public var pathDepth: Int

    public static let defaults = ReplayLimits(fileBytes: 16 << 20, spanBytes: 256 << 20, spanPaths: 10_000, pathDepth: 1_024)

    /// The limits of this process: the defaults, each raised (or lowered) by its variable.
    public static let current = ReplayLimits(environment: ProcessInfo.processInfo.environment)

    public init(fileBytes: Int, spanBytes: Int, spanPaths: Int, pathDepth: Int) {
        self.fileBytes = fileBytes
        self.spanBytes = spanBytes
        self.spanPaths = spanPaths
        self.pathDepth = pathDepth
    }

    /// The defaults, with each variable `environment` sets that reads as a size.
    public init(environment: [String: String]) {
        self = .defaults
        func read(_ name: String, _ value: inout Int) {
            if let text = environment[name], let n = ByteCount.parse(text) { value = n }
        }
        read(Variable.fileBytes.rawValue, &fileBytes)
        read(Variable.spanBytes.rawValue, &spanBytes)
        read(Variable.spanPaths.rawValue, &spanPaths)
        read(Variable.pathDepth.rawValue, &pathDepth)
    }

    /// The environment variables that set the limits.
    public enum Variable: String, Sendable, CaseIterable {
        case fileBytes = "AGENTREPLAY_MAX_FILE_BYTES"
        case spanBytes = "AGENTREPLAY_MAX_SPAN_BYTES"
        case spanPaths = "AGENTREPLAY_MAX_SPAN_PATHS"
        case pathDepth = "AGENTREPLAY_MAX_PATH_DEPTH"
    }

    /// A span that asked for more than a limit allows: it is refused, with this as its note.
    public struct Exceeded: Error, Equatable, CustomStringConvertible {
        /// What was too large: `the file a.txt would be 2.0 GiB`.
        public var what: String
        public var limit: Int
        public var variable: Variable

        package init(what: String, limit: Int, variable: Variable) {
            (self.what, self.limit, self.variable) = (what, limit, variable)
        }

        public var description: String {
            let unit =
                variable == .spanPaths || variable == .pathDepth
                ? TextCount.plain(limit)
                : TextCount.bytes(limit)
            return "\(what), over the limit of \(unit) (\(variable.rawValue) raises it)"
        }
    }

    /// Throws when a file of `size` bytes at `path` is over `fileBytes`; called before the
    /// bytes are made, wherever a tool's result can grow past its inputs.
    public func checkFile(_ path: String, size: Int) throws(Exceeded) {
        guard size > fileBytes else { return }
        throw Exceeded(what: "the file \(path) would be \(size) bytes", limit: fileBytes, variable: .fileBytes)
    }
}

/// Counts as replay's notes write them: `100000`, `256 MiB`.
package enum TextCount {
    static func plain(_ n: Int) -> String { String(n) }

    package static func bytes(_ n: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(n) bytes" }
        let rounded = (value * 10).rounded() / 10
        return (rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)) + " " + units[unit]
    }
}
