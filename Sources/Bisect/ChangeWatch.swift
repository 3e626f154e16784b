#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Git
import Trace

/// The tracked files a test touched, as the kernel tells them (Linux `inotify`), instead of
/// an `lstat` of every tracked file after every probe (`StatIndex`): every folder of the
/// worktree's tree is watched; the events bisect's own writes cause are read (to watch the
/// folders they create) and dropped before the test starts; what the test does is what is
/// left. Watching costs nothing per probe, whatever the size of the repository.
///
/// When it cannot tell (the kernel's queue overflowed, a watched folder itself was deleted or
/// moved by the test), `touched` says so and the worktree writes every tracked file again.
/// `make` returns nil where inotify is missing or the folders are more than the watches
/// allowed (`fs.inotify.max_user_watches`); the worktree then uses `StatIndex`.
final class ChangeWatch: ChangeTracker {
    private let root: String
    private var descriptor: Int32 = -1
    private var folders: [Int32: String] = [:]
    private var watches: [String: Int32] = [:]

    private init(root: String, descriptor: Int32) {
        self.root = root
        self.descriptor = descriptor
    }

    static func make(root: String) -> ChangeWatch? {
        #if os(Linux)
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        return fd >= 0 ? ChangeWatch(root: root, descriptor: fd) : nil
        #else
        return nil
        #endif
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    func start(tree: ObjectID, repository: Repository) throws {
        #if os(Linux)
        if descriptor < 0 { descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) }
        guard descriptor >= 0 else { throw BisectError.system("inotify_init1: \(POSIX.error())") }
        for wd in folders.keys { inotify_rm_watch(descriptor, wd) }
        #endif
        folders = [:]
        watches = [:]
        try watch("")
        var pending: [(String, ObjectID)] = [("", tree)]
        while let (prefix, id) = pending.popLast() {
            for entry in try repository.entries(of: id) where entry.mode == .tree {
                let path = prefix.isEmpty ? entry.name : prefix + "/" + entry.name
                try watch(path)
                pending.append((path, entry.id))
            }
        }
        _ = read()
    }

    func touched(tree: ObjectID, repository: Repository) throws -> [String]? {
        let (paths, lost, _) = read()
        if lost { return nil }
        return try paths.sorted().filter { try repository.entry(in: tree, path: $0) != nil }
    }

    func settled(from: ObjectID, to: ObjectID, repository: Repository) throws {
        let (_, lost, created) = read()
        if lost {
            try start(tree: to, repository: repository)
            return
        }
        for folder in created { try watchTree(folder) }
    }

    /// Lets go of the watches. Closing an inotify descriptor waits for the kernel to free
    /// its watches after an RCU grace period (some 15 ms on a small VM), so it is closed on
    /// another thread while bisect writes its state and prints its report.
    func stop() {
        guard descriptor >= 0 else { return }
        let fd = descriptor
        descriptor = -1
        folders = [:]
        watches = [:]
        _ = Background { close(fd) }
    }

    /// Watches `folder` and every folder below it on disk.
    private func watchTree(_ folder: String) throws {
        try watch(folder)
        guard let directory = opendir(root + "/" + folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != "..", entry.pointee.d_type == UInt8(DT_DIR) { try watchTree(folder + "/" + name) }
        }
    }

    private func watch(_ folder: String) throws {
        #if os(Linux)
        guard watches[folder] == nil else { return }
        let mask = UInt32(
            IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO
                | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)
        let wd = inotify_add_watch(descriptor, folder.isEmpty ? root : root + "/" + folder, mask)
        guard wd >= 0 else { throw BisectError.system("inotify_add_watch \(root)/\(folder): \(POSIX.error())") }
        folders[wd] = folder
        watches[folder] = wd
        #endif
    }

    /// Reads every queued event: the paths named, whether some were lost or cannot be told
    /// (overflow, a watched folder deleted or moved), and the folders created in watched ones.
    private func read() -> (paths: Set<String>, lost: Bool, created: [String]) {
        var paths = Set<String>()
        var lost = false
        var created: [String] = []
        #if os(Linux)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let (wd, mask, length) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, event.mask, Int(event.len))
                }
                let start = offset + MemoryLayout<inotify_event>.size
                let name = String(decoding: buffer[start..<(start + length)].prefix { $0 != 0 }, as: UTF8.self)
                offset = start + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    lost = true
                    continue
                }
                guard let folder = folders[wd] else { continue }
                if mask & UInt32(IN_IGNORED) != 0 {
                    folders[wd] = nil
                    watches[folder] = nil
                    continue
                }
                if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
                    lost = true
                    continue
                }
                guard !name.isEmpty else { continue }
                let path = folder.isEmpty ? name : folder + "/" + name
                paths.insert(path)
                if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { created.append(path) }
            }
        }
        #endif
        return (paths, lost, created)
    }
}
