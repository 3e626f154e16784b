/// One path that differs between two trees, from ``Repository/diff(from:to:)``.
///
/// Renames are not detected (a rename is one deletion and one addition). A file that
/// becomes a symlink (or back) is one `modified` change with different modes; a file
/// that becomes a directory is a deletion plus additions below it.
public struct TreeChange: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case added, deleted, modified
    }

    public var path: String
    /// The id before; nil when the path was added.
    public var oldID: ObjectID?
    /// The id after; nil when the path was deleted.
    public var newID: ObjectID?
    public var oldMode: FileMode?
    public var newMode: FileMode?

    public init(path: String, oldID: ObjectID?, newID: ObjectID?, oldMode: FileMode?, newMode: FileMode?) {
        self.path = path
        self.oldID = oldID
        self.newID = newID
        self.oldMode = oldMode
        self.newMode = newMode
    }

    public var kind: Kind {
        if oldID == nil { return .added }
        if newID == nil { return .deleted }
        return .modified
    }
}
