import CGit2

/// The filter drivers `git add` runs and libgit2 does not: a path whose `filter` attribute
/// names a driver the repository's configuration gives a `clean` or `process` command
/// (`filter=lfs` with `filter.lfs.clean = git-lfs clean -- %f`). git stores what that command
/// makes of the file (an LFS pointer), libgit2 the file's bytes as they are, so a tree made
/// with `git_index_add_bypath` of such a path is not git's. A `filter` naming a driver with
/// neither is a no-op for git too. Likewise a `working-tree-encoding` other than UTF-8: git
/// stores the file converted to UTF-8. Built for one call: the configuration is read once.
struct FilterDrivers {
    private let repo: OpaquePointer
    private var config: OpaquePointer?
    private var known: [String: Bool] = [:]

    init(repo: OpaquePointer) {
        self.repo = repo
    }

    /// The driver git would run on `path` when adding it, or nil.
    mutating func external(for path: String) -> String? {
        var value: UnsafePointer<CChar>?
        guard git_attr_get(&value, repo, 0, path, "filter") == 0, git_attr_value(value) == GIT_ATTR_VALUE_STRING, let value else {
            return nil
        }
        let name = String(cString: value)
        if let runs = known[name] { return runs ? name : nil }
        if config == nil, git_repository_config_snapshot(&config, repo) != 0 { config = nil }
        var runs = false
        if let config {
            for key in ["filter.\(name).clean", "filter.\(name).process"] {
                var entry: UnsafeMutablePointer<git_config_entry>?
                if git_config_get_entry(&entry, config, key) == 0, let entry {
                    runs = runs || entry.pointee.value.map { $0.pointee != 0 } ?? false
                    git_config_entry_free(entry)
                }
            }
        }
        known[name] = runs
        return runs ? name : nil
    }

    /// The encoding git converts `path` from when adding it (`working-tree-encoding`, which
    /// libgit2 1.5 does not apply), or nil for none or UTF-8.
    func encoding(of path: String) -> String? {
        var value: UnsafePointer<CChar>?
        guard git_attr_get(&value, repo, 0, path, "working-tree-encoding") == 0, git_attr_value(value) == GIT_ATTR_VALUE_STRING,
            let value
        else { return nil }
        let name = String(cString: value)
        return ["utf-8", "utf8"].contains(name.lowercased()) ? nil : name
    }

    /// Throws when git would store `path` as something else than its bytes, through such a
    /// driver or from another encoding: the working tree cannot be recorded as git would.
    mutating func refuse(_ path: String) throws {
        if let name = external(for: path) {
            throw GitError.invalid(
                "\(path) goes through the `\(name)` filter, which git runs when it adds the file and agentreplay does not: "
                    + "the working tree is not recorded", "workTreeTree")
        }
        if let encoding = encoding(of: path) {
            throw GitError.invalid(
                "\(path) is kept in \(encoding) (working-tree-encoding), which git converts when it adds the file and agentreplay does not: "
                    + "the working tree is not recorded", "workTreeTree")
        }
    }

    func free() {
        if let config { git_config_free(config) }
    }
}
