import Trace

/// A SWE-agent trajectory file read whole (it is one JSON document, not NDJSON), with what is
/// needed to name lines in errors and spans: the line each top-level member and each
/// `trajectory` step starts on.
struct SWEAgentDocument {
    let bytes: [UInt8]
    /// Byte offsets where lines 2, 3, … start.
    let lineStarts: [Int]
    let root: JSON
    /// Top-level member name → the line its value starts on.
    private(set) var memberLines: [String: Int] = [:]
    /// The line each element of `trajectory` starts on.
    private(set) var stepLines: [Int] = []

    /// Files larger than this are refused rather than read into memory.
    static let maximumSize = 1 << 30

    init(path: String, displayName: String) throws(TraceError) {
        // LineReader reads in fixed-size blocks; the document is joined back with its newlines.
        let reader = try LineReader(path: path, maximumLineLength: Self.maximumSize)
        var bytes: [UInt8] = []
        var starts: [Int] = []
        while let line = try reader.next() {
            if reader.lineNumber > 1 {
                bytes.append(0x0A)
                starts.append(bytes.count)
            }
            bytes += line
            guard bytes.count <= Self.maximumSize else {
                throw TraceError(file: displayName, line: reader.lineNumber, message: "larger than \(Self.maximumSize >> 20) MiB: not read")
            }
        }
        self.bytes = bytes
        self.lineStarts = starts
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            let line = Self.line(of: error.offset, starts: starts)
            throw TraceError(file: displayName, line: line, message: "not valid JSON: \(error.reason) (column \(Self.column(of: error.offset, starts: starts, line: line)))")
        }
        guard root.objectValue != nil else {
            throw TraceError(file: displayName, line: 1, message: "expected a JSON object (a SWE-agent trajectory), found \(root.typeDescription)")
        }
        locate()
    }

    /// The 1-based line holding byte `offset`.
    func line(of offset: Int) -> Int { Self.line(of: offset, starts: lineStarts) }

    static func line(of offset: Int, starts: [Int]) -> Int {
        var low = 0, high = starts.count
        while low < high {
            let mid = (low + high) / 2
            if starts[mid] <= offset { low = mid + 1 } else { high = mid }
        }
        return low + 1
    }

    static func column(of offset: Int, starts: [Int], line: Int) -> Int {
        offset - (line >= 2 ? starts[line - 2] : 0) + 1
    }

    /// Walks the (already valid) document once to find where members and steps start.
    private mutating func locate() {
        var i = 0
        skipSpace(&i)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return }
        i += 1
        while true {
            skipSpace(&i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return }
            let keyStart = i
            skipValue(&i)
            let key = (try? JSONParser.parse(bytes[keyStart..<i]))?.stringValue ?? ""
            skipSpace(&i)
            i += 1  // ':'
            skipSpace(&i)
            if memberLines[key] == nil { memberLines[key] = line(of: i) }
            if key == "trajectory", i < bytes.count, bytes[i] == UInt8(ascii: "["), stepLines.isEmpty {
                i += 1
                while true {
                    skipSpace(&i)
                    guard i < bytes.count, bytes[i] != UInt8(ascii: "]") else { i += 1; break }
                    stepLines.append(line(of: i))
                    skipValue(&i)
                    skipSpace(&i)
                    if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i += 1 }
                }
            } else {
                skipValue(&i)
            }
            skipSpace(&i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { return }
            i += 1
        }
    }

    private func skipSpace(_ i: inout Int) {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    /// Moves past one value: a string, a nested object or array, or a literal.
    private func skipValue(_ i: inout Int) {
        guard i < bytes.count else { return }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            i += 1
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
            i += 1
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    skipValue(&i)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { i += 1; return }
                default: break
                }
                i += 1
            }
        default:
            while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
        }
    }
}
