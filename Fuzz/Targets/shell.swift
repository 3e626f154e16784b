import Shell
import ToolSemantics

/// Fuzz target `shell`: the shell model through its one entry point, `ShellEffects.evaluate`
/// (linked against the `Shell` module as a whole): a command line, a working directory and a
/// view of a small tree in, the effects or what replay cannot follow out.
///
/// The input is a command line, optionally followed by a NUL byte and the working directory
/// (absolute, or relative to the recorded root `/r`). Besides not crashing, hanging or
/// growing past the limits, the answer must be the same twice (nothing in it depends on
/// anything but its inputs), and every effect must name a path inside the repository that
/// `RepoPath.map` accepts below the root, never one inside `.git`; an evaluation past a limit has nothing to
/// apply that is checked against a file larger than the file limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = FuzzInput.bytes(data, size)
    let cut = bytes.firstIndex(of: 0) ?? bytes.count
    let command = String(decoding: bytes[..<cut], as: UTF8.self)
    let directory = cut < bytes.count ? String(decoding: bytes[(cut + 1)...], as: UTF8.self) : "/r"
    let cwd = directory.hasPrefix("/") ? directory : "/r/" + directory
    for success in [true, false] {
        let first = ShellEffects.evaluate(command, in: cwd, root: "/r", tree: FuzzTree(), recordedSuccess: success)
        let again = ShellEffects.evaluate(command, in: cwd, root: "/r", tree: FuzzTree(), recordedSuccess: success)
        FuzzInput.require(first == again, "two evaluations of one command differ:\n\(first)\n\(again)")
        for effect in first.effects {
            // Under the root, as the shell located it: a repo path read again on its own is a
            // recorded relative path, and `c:/x` (the directory `c:`, as on Linux) reads as a drive.
            let mapped = RepoPath.map("/r/" + effect.path.value, root: "/r")
            FuzzInput.require((try? mapped.get()) == effect.path, "an effect on \(effect.path), which the sandbox does not map to itself")
            if case .write(let out, _) = effect.change, first.exceeded == nil {
                FuzzInput.require(out.count <= ReplayLimits.current.fileBytes, "a file past the limit")
            }
        }
    }
    return 0
}

/// A small tree: files at the root and below, an executable, a symlink and a submodule.
struct FuzzTree: ShellTree {
    static let files: [String: [UInt8]] = [
        "a.txt": Array("alpha\nbeta\n".utf8), "b.txt": Array("b\n".utf8), ".hidden": Array("h\n".utf8),
        "src/x.ts": Array("let x = 1\n".utf8), "src/lib/z.ts": Array("export {}\n".utf8), "run.sh": Array("#!/bin/sh\n".utf8),
    ]

    func node(_ path: RepoPath) throws -> ShellNode {
        if path.value == "link" { return .symlink }
        if path.value == "vendor" { return .submodule }
        if Self.files[path.value] != nil { return .file(executable: path.value == "run.sh") }
        return Self.files.keys.contains { $0.hasPrefix(path.value + "/") } ? .directory : .absent
    }

    func read(_ path: RepoPath) throws -> [UInt8]? { Self.files[path.value] }

    func children(_ directory: RepoPath?) throws -> [String] {
        let prefix = directory.map { $0.value + "/" } ?? ""
        var names = Set<String>()
        for key in Self.files.keys where key.hasPrefix(prefix) {
            if let first = key.dropFirst(prefix.count).split(separator: "/").first { names.insert(String(first)) }
        }
        if directory == nil { names.formUnion(["link", "vendor"]) }
        return names.sorted()
    }
}
