import ToolSemantics
import Trace

extension ApplyPatch {
    /// What a patch does to the workspace: the content each path it touches ends with (nil:
    /// deleted), in the order the paths were first touched, and each path's content before.
    struct Effects {
        var order: [RepoPath] = []
        var after: [RepoPath: [UInt8]?] = [:]
        var before: [RepoPath: [UInt8]?] = [:]
    }

    enum Applied {
        case applied(Effects)
        /// Codex would have failed with this message; nothing is written.
        case failed(String)
        /// A path the patch names is outside the repo or inside `.git`.
        case outside(RepoPath.Refusal)
        /// A path the patch names is a symlink or inside a submodule of the tree.
        case problem(Workspace.Problem, RepoPath)
    }

    /// Applies the operations in order, each seeing the ones before (as Codex writes them one
    /// after the other), all or nothing: a failure anywhere writes nothing, as Codex verifies
    /// every operation before it writes. `resolve` maps a path as the patch names it.
    func apply(in workspace: Workspace, resolve: (String) -> Result<RepoPath, RepoPath.Refusal>) throws -> Applied {
        if operations.isEmpty { return .failed("No files were modified.") }
        var effects = Effects()
        func path(_ raw: String) -> Result<RepoPath, RepoPath.Refusal> { resolve(raw) }
        func current(_ p: RepoPath) throws -> Workspace.Entry {
            if let pending = effects.after[p] { return pending.map { .file($0, executable: false) } ?? .absent }
            return try workspace.entry(p)
        }
        func record(_ p: RepoPath, _ content: [UInt8]?) throws {
            if effects.before[p] == nil {
                let entry = try workspace.entry(p)
                if case .file(let bytes, _) = entry { effects.before[p] = .some(bytes) } else { effects.before[p] = .some(nil) }
                effects.order.append(p)
            }
            effects.after[p] = .some(content)
        }
        /// Reads a file as Rust's `read_to_string` does: it must exist, be a file, be UTF-8.
        func readText(_ p: RepoPath, _ raw: String, _ what: String) throws -> Result<[UInt8], Failure> {
            switch try current(p) {
            case .absent: return .failure(Failure("\(what) \(raw): No such file or directory (os error 2)"))
            case .directory: return .failure(Failure("\(what) \(raw): Is a directory (os error 21)"))
            case .symlink: throw Workspace.Problem.throughSymlink(p.value)
            case .submodule: throw Workspace.Problem.inSubmodule(p.value)
            case .file(let bytes, _):
                guard Bytes.isValidUTF8(bytes) else { return .failure(Failure("\(what) \(raw): stream did not contain valid UTF-8")) }
                return .success(bytes)
            }
        }
        do {
            for operation in operations {
                if let stop = try apply(operation, path: path, current: current, record: record, readText: readText) { return stop }
            }
        } catch let problem as Workspace.Problem {
            let at: RepoPath
            switch problem {
            case .throughSymlink(let p), .inSubmodule(let p), .notADirectory(let p), .isADirectory(let p): at = RepoPath(unchecked: p)
            }
            return .problem(problem, at)
        }
        return .applied(effects)
    }

    private func apply(
        _ operation: Operation, path: (String) -> Result<RepoPath, RepoPath.Refusal>,
        current: (RepoPath) throws -> Workspace.Entry, record: (RepoPath, [UInt8]?) throws -> Void,
        readText: (RepoPath, String, String) throws -> Result<[UInt8], Failure>
    ) throws -> Applied? {
        let target: RepoPath
        switch path(operation.path) {
        case .failure(let refusal): return .outside(refusal)
        case .success(let p): target = p
        }
        switch operation {
        case .add(_, let contents):
            if case .directory = try current(target) { return .failed("Failed to write file \(operation.path): Is a directory (os error 21)") }
            if case .symlink = try current(target) { throw Workspace.Problem.throughSymlink(target.value) }
            try record(target, Array(contents.utf8))
        case .delete(let raw):
            switch try readText(target, raw, "Failed to read") {
            case .failure(let f): return .failed(f.description)
            case .success: try record(target, nil)
            }
        case .update(let raw, let moveTo, let chunks):
            let original: [UInt8]
            switch try readText(target, raw, "Failed to read file to update") {
            case .failure(let f): return .failed(f.description)
            case .success(let bytes): original = bytes
            }
            let updated: [UInt8]
            switch ApplyPatch.update(original, chunks: chunks, path: raw) {
            case .failure(let f): return .failed(f.description)
            case .success(let bytes): updated = bytes
            }
            if let moveTo {
                let destination: RepoPath
                switch path(moveTo) {
                case .failure(let refusal): return .outside(refusal)
                case .success(let p): destination = p
                }
                if case .directory = try current(destination) { return .failed("Failed to write file \(moveTo): Is a directory (os error 21)") }
                // Codex writes the destination, then removes the source (even when they are
                // the same file).
                try record(destination, updated)
                try record(target, nil)
            } else {
                try record(target, updated)
            }
        }
        return nil
    }

    /// What a patch that applied tells of the files it found (`FirstSight`): a file it
    /// updates held the lines its chunks name as context and removed, one it deletes existed,
    /// both as UTF-8 text (Codex reads them with `read_to_string`). A path an earlier
    /// operation of the same patch wrote tells nothing more.
    func firstSights(resolve: (String) -> Result<RepoPath, RepoPath.Refusal>) -> [FirstSight] {
        var written: Set<RepoPath> = []
        var sights: [FirstSight] = []
        for operation in operations {
            guard case .success(let target) = resolve(operation.path) else { return sights }
            defer { written.insert(target) }
            if written.contains(target) { continue }
            switch operation {
            case .add: break
            case .delete:
                sights.append(FirstSight(path: target, test: .part { Bytes.isValidUTF8($0) }))
            case .update(let raw, let moveTo, let chunks):
                sights.append(
                    FirstSight(
                        path: target,
                        test: .part { file in
                            guard Bytes.isValidUTF8(file), case .success = ApplyPatch.update(file, chunks: chunks, path: raw) else { return false }
                            return true
                        }))
                if let moveTo, case .success(let destination) = resolve(moveTo) { written.insert(destination) }
            }
        }
        return sights
    }
}
