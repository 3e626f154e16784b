#if canImport(Glibc)
import Glibc
#endif

/// Trees already read or written through one `Repository`, each kept as its list of entries.
///
/// Replay asks for the same few directories over and over (every write checks the path's
/// parents, every commit rewrites the directories above the files it changed). libgit2's
/// own cache keeps parsed trees only up to 4 KiB and answers each path lookup from the root;
/// this keeps every level once, found by name, and lets ``Repository/updateTree(_:_:)``
/// rewrite only the directories an update touches. Bounded: dropped whole past
/// `maximumEntries` entries.
final class TreeLevels {
    /// One tree's entries in git's order, found by name with a binary search (no index to
    /// build: a replay writes a new version of the directories above every file it changes,
    /// and most versions are looked up a few times at most).
    final class Level {
        let entries: [TreeEntry]
        /// False for a tree read from a repository whose entries are not in git's order
        /// (`git fsck` rejects one; libgit2 reads it): looked through entry by entry.
        private let ordered: Bool

        /// `entries` in git's order, as agentreplay writes them.
        init(_ entries: [TreeEntry]) {
            self.entries = entries
            ordered = true
        }

        /// Entries as a tree read from a repository holds them, in whatever order.
        init(read entries: [TreeEntry]) {
            self.entries = entries
            ordered = zip(entries, entries.dropFirst()).allSatisfy { TreeLevels.precedes($0, $1) }
        }

        func entry(named name: String) -> TreeEntry? { index(of: name).map { entries[$0] } }

        /// Where the entry called `name` is: git orders a tree's name as if it ended in `/`,
        /// so the name is looked for once as a file's and once as a directory's.
        func index(of name: String) -> Int? {
            var name = name
            return name.withUTF8 { index(ofName: $0) }
        }

        /// The same, for a name given as its UTF-8 bytes.
        func index(ofName key: UnsafeBufferPointer<UInt8>) -> Int? {
            guard ordered else {
                return entries.firstIndex { entry in
                    var name = entry.name
                    return name.withUTF8 { $0.count == key.count && ($0.count == 0 || memcmp($0.baseAddress!, key.baseAddress!, $0.count) == 0) }
                }
            }
            if let i = search(key, asTree: false), entries[i].mode != .tree { return i }
            if let i = search(key, asTree: true), entries[i].mode == .tree { return i }
            return nil
        }

        private func search(_ key: UnsafeBufferPointer<UInt8>, asTree: Bool) -> Int? {
            var low = 0, high = entries.count
            while low < high {
                let middle = (low + high) / 2
                switch TreeLevels.order(entries[middle], key, asTree ? UInt8(ascii: "/") : 0) {
                case .orderedAscending: low = middle + 1
                case .orderedDescending: high = middle
                case .orderedSame: return middle
                }
            }
            return nil
        }
    }

    enum Order { case orderedAscending, orderedDescending, orderedSame }

    /// How `entry` sorts against the name `key` ending in `end` (`/` for a tree, else 0), in
    /// git's order; `orderedSame` when the names are equal (whatever the modes).
    static func order(_ entry: TreeEntry, _ key: UnsafeBufferPointer<UInt8>, _ end: UInt8) -> Order {
        var name = entry.name
        let entryEnd: UInt8 = entry.mode == .tree ? UInt8(ascii: "/") : 0
        return name.withUTF8 { a in
            let common = min(a.count, key.count)
            let c = common == 0 ? 0 : memcmp(a.baseAddress!, key.baseAddress!, common)
            if c != 0 { return c < 0 ? .orderedAscending : .orderedDescending }
            if a.count == key.count { return .orderedSame }
            let x = a.count > common ? a[common] : entryEnd
            let y = key.count > common ? key[common] : end
            if x != y { return x < y ? .orderedAscending : .orderedDescending }
            // A name and the same name with more after it: the shorter one's end decides.
            return a.count < key.count ? .orderedAscending : .orderedDescending
        }
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

    /// A mode as a tree object writes it, with the space after it: octal, no leading zero
    /// (`40000 ` for a tree).
    static func modeText(_ mode: FileMode) -> StaticString {
        switch mode {
        case .blob: "100644 "
        case .executable: "100755 "
        case .link: "120000 "
        case .tree: "40000 "
        case .commit: "160000 "
        }
    }

    /// The bytes of a tree object holding `entries` (already in git's order): per entry the
    /// mode in octal, a space, the name, a NUL and the 20-byte id.
    static func serialize(_ entries: [TreeEntry]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.count * 48)
        for e in entries {
            let mode = modeText(e.mode)
            out.append(contentsOf: UnsafeBufferPointer(start: mode.utf8Start, count: mode.utf8CodeUnitCount))
            var name = e.name
            name.withUTF8 { out.append(contentsOf: $0) }
            out.append(0)
            e.id.append(to: &out)
        }
        return out
    }
}
