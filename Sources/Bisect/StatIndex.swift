#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Git

/// What every tracked file of a worktree looked like (`lstat`) just after bisect wrote or
/// checked it: a tiny git index, to notice the files a test changed, added over or deleted,
/// where the kernel cannot tell (`ChangeWatch`). Files are kept by folder, and a check opens
/// each folder once and asks for its names (`fstatat`), which costs the kernel a one-name
/// lookup per file instead of a walk down the whole path: about a microsecond a file.
final class StatIndex: ChangeTracker {
    let root: String
    /// Folder (repo-relative, "" for the root) → name → stat (nil: it could not be read).
    private var folders: [String: [String: FileStat?]] = [:]

    init(root: String) {
        self.root = root
    }

    func removeAll() { folders = [:] }

    /// Records `path` as it is on disk now, or forgets it (`tracked` false).
    func update(_ path: String, tracked: Bool) {
        let (folder, name) = Self.split(path)
        if tracked {
            folders[folder, default: [:]][name] = .some(FileStat(path: root + "/" + path))
        } else {
            folders[folder]?[name] = nil
            if folders[folder]?.isEmpty == true { folders[folder] = nil }
        }
    }

    /// Records every path of `paths` as it is on disk now, folder by folder.
    func record(_ paths: [String]) {
        var byFolder: [String: [String]] = [:]
        for path in paths {
            let (folder, name) = Self.split(path)
            byFolder[folder, default: []].append(name)
        }
        for (folder, names) in byFolder {
            let fd = open(folder.isEmpty ? root : root + "/" + folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            defer { if fd >= 0 { close(fd) } }
            var entries = folders[folder] ?? [:]
            entries.reserveCapacity(entries.count + names.count)
            for name in names {
                entries[name] = .some(fd >= 0 ? FileStat(directory: fd, name: name) : nil)
            }
            folders[folder] = entries
        }
    }

    func start(tree: ObjectID, repository: Repository) throws {
        removeAll()
        record(try repository.walk(tree).filter { Self.tracked($0.entry.mode) }.map(\.path))
    }

    func touched(tree: ObjectID, repository: Repository) throws -> [String]? {
        changed()
    }

    func settled(from: ObjectID, to: ObjectID, repository: Repository) throws {
        var written: [String] = []
        for change in try repository.diff(from: from, to: to) {
            if change.newMode.map(Self.tracked) == true {
                written.append(change.path)
            } else {
                update(change.path, tracked: false)
            }
        }
        record(written)
    }

    func stop() {
        removeAll()
    }

    static func tracked(_ mode: FileMode) -> Bool {
        mode == .blob || mode == .executable || mode == .link
    }

    /// The tracked paths whose `lstat` differs from the one recorded (or that are gone),
    /// sorted.
    func changed() -> [String] {
        var out: [String] = []
        for (folder, names) in folders {
            let path = folder.isEmpty ? root : root + "/" + folder
            let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            defer { if fd >= 0 { close(fd) } }
            for (name, recorded) in names {
                let now = fd >= 0 ? FileStat(directory: fd, name: name) : nil
                if now == nil || now != recorded {
                    out.append(folder.isEmpty ? name : folder + "/" + name)
                }
            }
        }
        return out.sorted()
    }

    private static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }
}
