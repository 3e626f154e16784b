import Git
import Trace

/// Whether the session's recorded root may be a folder of the repository rather than its top.
///
/// A log records the directory the agent ran in, and replay takes it for the repository's top.
/// When the agent ran in a folder of the repository (`repo/sub`), every path lands one level
/// too high, and a session that only created files cannot show it. The sign looked for: the
/// base has a folder at its top named like the recorded root's last component, and no path the
/// session named is a file of the base where replay put it, and the session changed files. Then
/// the run is not verified. A native trace's root is the top by definition: never checked.
enum RootCheck {
    static func caveat(header: Trace.Header, base: ObjectID, steps: [Run.Step], in repository: Repository) throws -> String? {
        // A native trace's `repo_root` is the repository's top by the format's definition.
        if header.sourceFormat == SourceFormat.native.rawValue { return nil }
        let root = header.repoRoot
        guard let root, let name = root.split(separator: "/").last.map(String.init), !name.isEmpty, name != ".", name != ".." else {
            return nil
        }
        // Only files the session changed can have landed in the wrong place.
        guard steps.contains(where: { !$0.changes.isEmpty }) else { return nil }
        guard let folder = try repository.entry(in: base, path: name), folder.mode == .tree else { return nil }
        for step in steps {
            for path in step.paths {
                if let entry = try repository.entry(in: base, path: path), entry.mode != .tree { return nil }
            }
        }
        return "the session ran in \(root), whose name the repository's folder \(name)/ also has, and no path it named is a file "
            + "of the base: if it ran in that folder, its files belong under \(name)/ (name the top with --recorded-root)"
    }
}
