import Dispatch
import Git
import Importers
import Trace

/// Lists the sessions the agents' stores hold: of one repository, or of every one. Each file
/// is read through the importers once and its summary cached (`SessionCache`); a listing after
/// that reads only directories, file sizes and times, and the cache.
public enum SessionIndex {
    public struct Listing: Sendable {
        /// Newest first (by start, else by the file's modification time); the logs that
        /// could not be read after the others, by path.
        public var sessions: [SessionSummary]
        /// What was skipped and why: a store that cannot be read, a cache that cannot be written.
        public var notes: [String]
    }

    /// The sessions recorded in `repository` (the top of its working tree: a session
    /// belongs to it when its recorded directory is the top or inside it), or of every
    /// repository when nil. With `cache`, summaries are read from and written to the cache.
    public static func list(stores: SessionStores, repository: String?, cache useCache: Bool = true) -> Listing {
        var notes: [String] = []
        let files = stores.files(repository: repository, notes: &notes)
        let old = useCache ? SessionCache.read(stores.cacheFile) : SessionCache()
        var summaries = [SessionSummary?](repeating: nil, count: files.count)
        var misses: [Int] = []
        for (i, file) in files.enumerated() {
            if let hit = old.summary(for: file) { summaries[i] = hit } else { misses.append(i) }
        }
        // Logs not cached are read on every core: each import is independent.
        let slots = Slots(count: misses.count)
        let toRead = misses.map { files[$0] }
        DispatchQueue.concurrentPerform(iterations: toRead.count) { j in
            slots.set(j, summarize(toRead[j]))
        }
        for (j, i) in misses.enumerated() { summaries[i] = slots.values[j] }

        if useCache {
            var cache = SessionCache()
            let seen = Set(files.map(\.path))
            // Entries of files this listing did not look at (other repositories' Claude Code
            // folders) are kept while the file is there.
            for (path, entry) in old.entries where !seen.contains(path) && FileSystem.stat(path) != nil {
                cache.entries[path] = entry
            }
            for (i, file) in files.enumerated() {
                cache.entries[file.path] = SessionCache.Entry(
                    size: file.stat.size, modified: file.stat.modified, stamp: file.stamp,
                    summary: summaries[i]!)
            }
            // Unchanged when every file was a hit and none left: hits keep their entries as they were.
            let changed = !misses.isEmpty || cache.entries.count != old.entries.count
            if changed, let reason = FileSystem.writeAtomically(cache.encoded(), to: stores.cacheFile) {
                notes.append("\(stores.cacheFile): cannot write the cache (\(reason)): sessions will be read again next time")
            }
        }

        var listed: [(summary: SessionSummary, time: Timestamp)] = []
        for (i, file) in files.enumerated() {
            let summary = summaries[i]!
            if let repository {
                if let cwd = summary.cwd {
                    guard belongs(cwd, to: repository) else { continue }
                } else if !file.inRepositoryFolder {
                    continue
                }
            }
            let modified = Timestamp(seconds: file.stat.modified / 1_000_000_000, nanoseconds: Int32(file.stat.modified % 1_000_000_000))
            listed.append((summary, summary.start ?? modified))
        }
        listed.sort { a, b in
            if (a.summary.error == nil) != (b.summary.error == nil) { return a.summary.error == nil }
            if a.summary.error == nil, a.time != b.time { return b.time < a.time }
            return a.summary.path.utf8.lexicographicallyPrecedes(b.summary.path.utf8)
        }
        return Listing(sessions: listed.map(\.summary), notes: notes)
    }

    /// Whether `directory` is `repository` or inside it.
    public static func belongs(_ directory: String, to repository: String) -> Bool {
        var d = directory
        while d.count > 1 && d.hasSuffix("/") { d.removeLast() }
        return d == repository || repository == "/" || d.hasPrefix(repository + "/")
    }

    /// The top of the working tree holding `directory`, or the directory itself (made
    /// absolute, symlinks resolved) when it is in no repository.
    public static func repositoryTop(of directory: String) -> String {
        if let repository = try? Repository.open(directory), let top = repository.workingDirectory { return top }
        return FileSystem.realPath(directory) ?? directory
    }

    /// Reads one log through its importer; a log that cannot be read is summarised by its error.
    static func summarize(_ file: SessionFile) -> SessionSummary {
        let format = SourceFormat(rawValue: file.format)
        do {
            let trace = try Importer.load(path: file.path, format: format)
            return SessionSummary(trace: trace, id: file.id, path: file.path)
        } catch {
            return SessionSummary(
                id: file.id, path: file.path, agent: agentName(file.format), format: file.format,
                error: error.description)
        }
    }

    /// The agent a format's name implies (its own name for native and OTLP).
    static func agentName(_ format: String) -> String {
        SourceFormat(rawValue: format)?.agent?.name ?? format
    }

    /// Results filled in by several threads, each its own index.
    final class Slots: @unchecked Sendable {
        var values: [SessionSummary?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: SessionSummary) {
            values.withUnsafeMutableBufferPointer { $0[i] = value }
        }
    }
}

extension SessionIndex {
    /// A session log a store holds, as `sessions --all` finds it.
    public struct Log: Sendable, Equatable {
        public var path: String
        /// The format's name (`SourceFormat`'s raw value).
        public var format: String
        /// The agent's own session id, from the file name.
        public var id: String
        /// Another modification time (nanoseconds) the session depends on besides its file's:
        /// OpenCode's message folder; 0 for the others.
        public var stamp: Int64
    }

    /// Every session log of every store, in the order `sessions --all` reads them, and
    /// notes on the stores that could not be read.
    public static func logs(stores: SessionStores) -> (logs: [Log], notes: [String]) {
        var notes: [String] = []
        let files = stores.files(repository: nil, notes: &notes)
        return (files.map { Log(path: $0.path, format: $0.format, id: $0.id, stamp: $0.stamp) }, notes)
    }
}
