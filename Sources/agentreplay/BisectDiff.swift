import Git

/// The unified diff of one span's commit against its parent, as `git diff` prints it
/// (`diff --git`, `---`/`+++`, hunks with three lines of context), from the two trees and
/// libgit2's line diff (`LinePatch`). Binary files (a NUL byte) are named, not shown.
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
                out +=
                    "Binary files \(change.oldID == nil ? "/dev/null" : "a/" + path) and \(change.newID == nil ? "/dev/null" : "b/" + path) differ\n"
                continue
            }
            if before == after { continue }
            out += "--- \(change.oldID == nil ? "/dev/null" : "a/" + path)\n"
            out += "+++ \(change.newID == nil ? "/dev/null" : "b/" + path)\n"
            out += try hunks(before, after)
        }
        return out
    }

    /// The hunks of `git diff` between two contents (`LinePatch`, libgit2's own diff).
    static func hunks(_ before: [UInt8], _ after: [UInt8]) throws -> String {
        var out: [UInt8] = []
        for hunk in try LinePatch(old: before, new: after, context: context).hunks {
            out += Array("@@ -\(range(hunk.oldStart, hunk.oldCount)) +\(range(hunk.newStart, hunk.newCount)) @@\n".utf8)
            for line in hunk.lines {
                switch line.origin {
                case .context: out.append(UInt8(ascii: " "))
                case .added: out.append(UInt8(ascii: "+"))
                case .removed: out.append(UInt8(ascii: "-"))
                }
                out += line.content
                if line.content.last != UInt8(ascii: "\n") { out += Array("\n\\ No newline at end of file\n".utf8) }
            }
        }
        return String(decoding: out, as: UTF8.self)
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
