import Git
import Shell
import ToolSemantics

/// The workspace's current tree as a `ShellTree` (a shell span starts with no pending edits).
struct WorkspaceShellTree: ShellTree {
    let workspace: Workspace

    func node(_ path: RepoPath) throws -> ShellNode {
        guard let e = try workspace.repository.entry(in: workspace.tree, path: path.value) else { return .absent }
        switch e.mode {
        case .tree: return .directory
        case .link: return .symlink
        case .commit: return .submodule
        case .blob: return .file(executable: false)
        case .executable: return .file(executable: true)
        }
    }

    func read(_ path: RepoPath) throws -> [UInt8]? { try workspace.read(path) }

    func children(_ directory: RepoPath?) throws -> [String] {
        let tree: ObjectID
        if let directory {
            guard let e = try workspace.repository.entry(in: workspace.tree, path: directory.value), e.mode == .tree else { return [] }
            tree = e.id
        } else {
            tree = workspace.tree
        }
        return try workspace.repository.entries(of: tree).map(\.name)
    }
}
