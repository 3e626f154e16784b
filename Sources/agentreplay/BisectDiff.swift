import Analysis
import Git

/// The unified diff of one span's commit against its parent, as `git diff` prints it
/// (`diff --git`, `---`/`+++`, hunks with three lines of context), from the two trees and a
/// Myers line diff (`SequenceDiff`). Binary files (a NUL byte) are named, not shown.
enum BisectDiff {
    static let context = 3

    static func text(from old: ObjectID, to new: ObjectID, repository: Repository) throws -> String {
        var out = ""
        for change in try repository.diff(from: old, to: new) {
            let path = change.path
            out += "diff --git a/\(path) b/\(path)\n"
            if change.oldID == nil, let mode = change.newMode {
                out += "new file mode \(mode.octal)\n"
            } else if change.newID == nil, let mode = change.oldMode {
                out += "deleted file mode \(mode.octal)\n"
            } else if let a = change.oldMode, let b = change.newMode, a != b {
                out += "old mode \(a.octal)\nnew mode \(b.octal)\n"
            }
            let before = try change.oldID.map { try repository.blob($0) } ?? []
            let after = try change.newID.map { try repository.blob($0) } ?? []
            if before.contains(0) || after.contains(0) {
                out += "Binary files \(change.oldID == nil ? "/dev/null" : "a/" + path) and \(change.newID == nil ? "/dev/null" : "b/" + path) differ\n"
                continue
            }
            if before == after { continue }
            out += "--- \(change.oldID == nil ? "/dev/null" : "a/" + path)\n"
            out += "+++ \(change.newID == nil ? "/dev/null" : "b/" + path)\n"
            out += hunks(before, after)
        }
        return out
    }

    /// A file's lines, each with its newline; the last may lack one.
    static func lines(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            out.append(String(decoding: bytes[start...index], as: UTF8.self))
            start = index + 1
        }
        if start < bytes.count { out.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return out
    }

    static func hunks(_ before: [UInt8], _ after: [UInt8]) -> String {
        let a = lines(before), b = lines(after)
        // One entry per line of the edit script: tag, text.
        var entries: [(tag: Character, text: String)] = []
        for op in SequenceDiff.diff(a, b) {
            switch op {
            case .equal(let range, _): entries += range.map { (" ", a[$0]) }
            case .delete(let range, _): entries += range.map { ("-", a[$0]) }
            case .insert(let range, _): entries += range.map { ("+", b[$0]) }
            }
        }
        let changed = entries.indices.filter { entries[$0].tag != " " }
        guard !changed.isEmpty else { return "" }
        // Group changes whose contexts touch.
        var groups: [Range<Int>] = []
        var start = changed[0], end = changed[0] + 1
        for index in changed.dropFirst() {
            if index - end <= 2 * context {
                end = index + 1
            } else {
                groups.append(start..<end)
                start = index
                end = index + 1
            }
        }
        groups.append(start..<end)
        // Line numbers before each entry.
        var oldLine = [Int](), newLine = [Int]()
        var o = 0, n = 0
        for entry in entries {
            oldLine.append(o)
            newLine.append(n)
            if entry.tag != "+" { o += 1 }
            if entry.tag != "-" { n += 1 }
        }
        var out = ""
        for group in groups {
            let lower = max(0, group.lowerBound - context)
            let upper = min(entries.count, group.upperBound + context)
            let slice = entries[lower..<upper]
            let oldCount = slice.filter { $0.tag != "+" }.count
            let newCount = slice.filter { $0.tag != "-" }.count
            let oldStart = oldCount == 0 ? oldLine[lower] : oldLine[lower] + 1
            let newStart = newCount == 0 ? newLine[lower] : newLine[lower] + 1
            out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n"
            for entry in slice {
                out += String(entry.tag) + entry.text
                if !entry.text.hasSuffix("\n") { out += "\n\\ No newline at end of file\n" }
            }
        }
        return out
    }

    static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(start),\(count)"
    }
}

extension FileMode {
    /// The mode as git prints it (`100644`).
    fileprivate var octal: String {
        switch self {
        case .blob: return "100644"
        case .executable: return "100755"
        case .link: return "120000"
        case .tree: return "040000"
        case .commit: return "160000"
        }
    }
}
