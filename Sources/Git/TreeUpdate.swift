/// One change to apply to a tree with ``Repository/updateTree(_:_:)``.
///
/// Paths are relative to the tree's root, components joined with `/`.
public enum TreeUpdate: Sendable, Hashable {
    /// Insert or replace the entry at `path` (creating missing directories, replacing a
    /// file by a directory or back as needed).
    case upsert(path: String, blob: ObjectID, mode: FileMode)
    /// Remove the entry (file or whole directory) at `path`; absent paths are ignored.
    case remove(path: String)

    public var path: String {
        switch self {
        case .upsert(let path, _, _), .remove(let path): path
        }
    }
}
