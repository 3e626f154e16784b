/// A session log that is one JSON document (an OpenHands event list, a Gemini CLI session
/// file before JSONL, a pretty-printed OTLP export), read whole, with what errors and spans
/// need to name lines: the byte offset where each value starts, and the line it is on.
///
/// Shared by the SWE-agent, OpenHands, Gemini and OTLP importers, and `audit`'s policy file.
public struct LocatedJSON {
    public let bytes: [UInt8]
    /// Byte offsets where lines 2, 3, … start.
    public let lineStarts: [Int]
    public let root: JSON
    /// The offset where the root value starts.
    public let rootOffset: Int

    /// Files larger than this are refused rather than read into memory.
    public static let maximumSize = 1 << 30

    /// Reads and parses `path`; errors name `displayName`, the line and the column.
    public init(path: String, displayName: String) throws(TraceError) {
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
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw TraceError(file: displayName, line: 0, message: "empty file: no session recorded in it")
        }
        self.bytes = bytes
        self.lineStarts = starts
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            let line = Self.line(of: error.offset, starts: starts)
            let column = error.offset - (line >= 2 ? starts[line - 2] : 0) + 1
            throw TraceError(file: displayName, line: line, message: "not valid JSON: \(error.reason) (column \(column))")
        }
        var i = 0
        while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 }
        rootOffset = i
    }

    /// The 1-based line holding byte `offset`.
    public func line(of offset: Int) -> Int { Self.line(of: offset, starts: lineStarts) }

    static func line(of offset: Int, starts: [Int]) -> Int {
        var low = 0, high = starts.count
        while low < high {
            let mid = (low + high) / 2
            if starts[mid] <= offset { low = mid + 1 } else { high = mid }
        }
        return low + 1
    }

    /// The offsets where the elements of the array starting at `offset` start.
    public func elements(at offset: Int) -> [Int] {
        var i = offset
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { return [] }
        i += 1
        var out: [Int] = []
        while true {
            skipSpace(&i)
            guard i < bytes.count, bytes[i] != UInt8(ascii: "]") else { return out }
            out.append(i)
            skipValue(&i)
            skipSpace(&i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { return out }
            i += 1
        }
    }

    /// The offset where the value of member `key` of the object starting at `offset` starts.
    public func member(_ key: String, at offset: Int) -> Int? {
        var i = offset
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        while true {
            skipSpace(&i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
            let keyStart = i
            skipValue(&i)
            let name = (try? JSONParser.parse(bytes[keyStart..<i]))?.stringValue
            skipSpace(&i)
            i += 1  // ':'
            skipSpace(&i)
            if name == key { return i }
            skipValue(&i)
            skipSpace(&i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { return nil }
            i += 1
        }
    }

    /// The lines the elements of the array at `offset` start on; `count` lines, the array's
    /// own line repeated when the walk finds fewer (it cannot, for a document that parsed).
    public func elementLines(at offset: Int?, count: Int) -> [Int] {
        guard let offset else { return Array(repeating: 1, count: count) }
        var lines = elements(at: offset).map(line(of:))
        while lines.count < count { lines.append(line(of: offset)) }
        return lines
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    private func skipSpace(_ i: inout Int) {
        while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 }
    }

    /// Moves past one value of the (already valid) document.
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
