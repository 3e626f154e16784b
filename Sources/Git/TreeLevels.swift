/// Trees already read or written through one `Repository`, each kept as its list of entries.
///
/// Replay asks for the same few directories over and over (every write checks the path's
/// parents, every commit rewrites the directories above the files it changed). libgit2's
/// own cache keeps parsed trees only up to 4 KiB and answers each path lookup from the root;
/// this keeps every level once, found by name, and lets ``Repository/updateTree(_:_:)``
/// rewrite only the directories an update touches. Bounded: dropped whole past
/// `maximumEntries` entries.
final class TreeLevels {
    /// One tree's entries in git's order, with an index by name.
    final class Level {
        let entries: [TreeEntry]
        private let byName: [String: Int]

        init(_ entries: [TreeEntry]) {
            self.entries = entries
            var byName: [String: Int] = [:]
            byName.reserveCapacity(entries.count)
            for (i, e) in entries.enumerated() { byName[e.name] = i }
            self.byName = byName
        }

        func entry(named name: String) -> TreeEntry? { byName[name].map { entries[$0] } }

        func index(of name: String) -> Int? { byName[name] }
    }

    private var levels: [ObjectID: Level] = [:]
    private var entryCount = 0
    let maximumEntries: Int

    /// 250,000 entries (some 20 MB): the directories a replay is working in stay, old
    /// versions go when it fills up and is dropped.
    init(maximumEntries: Int = 250_000) { self.maximumEntries = maximumEntries }

    subscript(tree: ObjectID) -> Level? { levels[tree] }

    func insert(_ level: Level, for tree: ObjectID) {
        if entryCount + level.entries.count > maximumEntries {
            levels.removeAll(keepingCapacity: true)
            entryCount = 0
        }
        if levels.updateValue(level, forKey: tree) == nil { entryCount += level.entries.count }
    }

    /// Whether `a` sorts before `b` in a git tree: by name bytes, a tree's name compared as
    /// if it ended in `/` (git's `base_name_compare`).
    static func precedes(_ a: TreeEntry, _ b: TreeEntry) -> Bool {
        let endA: UInt8 = a.mode == .tree ? UInt8(ascii: "/") : 0
        let endB: UInt8 = b.mode == .tree ? UInt8(ascii: "/") : 0
        var ai = a.name.utf8.makeIterator(), bi = b.name.utf8.makeIterator()
        while true {
            switch (ai.next(), bi.next()) {
            case let (x?, y?): if x != y { return x < y }
            case (nil, nil): return endA < endB
            case (nil, let y?): return endA < y
            case (let x?, nil): return x < endB
            }
        }
    }

    private static let modeTexts: [FileMode: [UInt8]] = [
        .blob: Array("100644".utf8), .executable: Array("100755".utf8), .link: Array("120000".utf8),
        .tree: Array("40000".utf8), .commit: Array("160000".utf8),
    ]

    /// A mode as a tree object writes it: octal, no leading zero (`40000` for a tree).
    static func modeText(_ mode: FileMode) -> [UInt8] { modeTexts[mode]! }

    /// The bytes of a tree object holding `entries` (already in git's order): per entry the
    /// mode in octal, a space, the name, a NUL and the 20-byte id.
    static func serialize(_ entries: [TreeEntry]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.count * 48)
        for e in entries {
            out.append(contentsOf: modeText(e.mode))
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: e.name.utf8)
            out.append(0)
            e.id.append(to: &out)
        }
        return out
    }
}
