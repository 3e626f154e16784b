/// One entry of a tree: its name within the tree, the object it names and its mode.
public struct TreeEntry: Sendable, Hashable {
    /// The entry's name inside its own tree (no slashes), or, where a method says so,
    /// its path from the root.
    public var name: String
    public var id: ObjectID
    public var mode: FileMode

    public init(name: String, id: ObjectID, mode: FileMode) {
        self.name = name
        self.id = id
        self.mode = mode
    }
}
