@testable import Shell
@testable import ToolSemantics

/// A tree of plain values for the pure shell tests: paths to contents (`->target` makes a
/// symlink, `@submodule` a submodule), with directories implied by the paths.
struct ShellTestTree: ShellTree {
    var files: [String: String]
    var executable: Set<String> = []

    init(_ files: [String: String], executable: Set<String> = []) {
        self.files = files
        self.executable = executable
    }

    func node(_ path: RepoPath) throws -> ShellNode {
        if let content = files[path.value] {
            if content.hasPrefix("->") { return .symlink }
            if content == "@submodule" { return .submodule }
            return .file(executable: executable.contains(path.value))
        }
        return files.keys.contains { $0.hasPrefix(path.value + "/") } ? .directory : .absent
    }

    func read(_ path: RepoPath) throws -> [UInt8]? {
        guard let content = files[path.value], !content.hasPrefix("->"), content != "@submodule" else { return nil }
        return Array(content.utf8)
    }

    func children(_ directory: RepoPath?) throws -> [String] {
        let prefix = directory.map { $0.value + "/" } ?? ""
        var names = Set<String>()
        for key in files.keys where key.hasPrefix(prefix) {
            if let first = key.dropFirst(prefix.count).split(separator: "/").first { names.insert(String(first)) }
        }
        return names.sorted()
    }
}

/// The recorded root the pure tests use.
let shellRoot = "/work/repo"

/// Evaluates `command` in `directory` (relative to the root) on `files`.
func shellEffects(
    _ command: String, files: [String: String] = [:], executable: Set<String> = [], in directory: String? = nil,
    directories: [String] = [], recordedSuccess: Bool = true
) -> ShellEffects {
    ShellEffects.evaluate(
        command, in: directory.map { shellRoot + "/" + $0 } ?? shellRoot, root: shellRoot,
        tree: ShellTestTree(files, executable: executable),
        directories: Set(directories.map { try! RepoPath.relative($0).get() }), recordedSuccess: recordedSuccess)
}

extension ShellEffects {
    /// The effects as `write path content` / `delete path` lines, for comparing.
    var lines: [String] {
        effects.map { e in
            switch e.change {
            case .write(let bytes, let x): return "write \(e.path.value)\(x ? " (x)" : "") " + String(decoding: bytes, as: UTF8.self)
            case .delete: return "delete \(e.path.value)"
            }
        }
    }

    /// The files after the effects, applied to `files`.
    func applied(to files: [String: String]) -> [String: String] {
        var out = files
        for e in effects {
            switch e.change {
            case .write(let bytes, _): out[e.path.value] = String(decoding: bytes, as: UTF8.self)
            case .delete: out[e.path.value] = nil
            }
        }
        return out
    }
}
