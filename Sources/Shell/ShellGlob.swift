import ToolSemantics

/// Pathname expansion as the shell does it (`*`, `?`, `[…]` in unquoted text), against the
/// replayed files. Matches are sorted by their bytes (the C locale's order, the same on every
/// machine); a `*` or `?` does not match a leading `.`; a pattern that matches nothing stays
/// as written (bash's default). The matching itself is in ShellGlobMatch.swift.
extension ShellGlob {
    /// The words `word` expands to; nil when the pattern looks into a directory replay cannot
    /// list (outside the repo).
    static func expand(_ word: ShellWord, locate: (String) -> ShellLocation, view: ShellView) throws -> [String]? {
        guard word.isPattern else { return [word.text] }
        let scalars = Array(word.text.unicodeScalars)
        // Split into components, keeping each scalar's quoting.
        var components: [[(Unicode.Scalar, Bool)]] = [[]]
        for (c, bare) in zip(scalars, word.unquoted) {
            if c == "/" { components.append([]) } else { components[components.count - 1].append((c, bare)) }
        }
        let absolute = scalars.first == "/"
        var prefixes: [String] = [absolute ? "/" : ""]
        for (n, component) in components.enumerated() {
            if absolute && n == 0 { continue }
            let last = n == components.count - 1
            let text = String(String.UnicodeScalarView(component.map(\.0)))
            let isPattern = component.contains { $0.1 && ($0.0 == "*" || $0.0 == "?" || $0.0 == "[") }
            // A file name is at most 255 bytes on the systems agents run on; a pattern for one
            // far longer is not followed (reading its bracket expressions is quadratic in it).
            if isPattern && component.count > 4_096 { return nil }
            var next: [String] = []
            for prefix in prefixes {
                let joined = { (name: String) in prefix + name + (last ? "" : "/") }
                guard isPattern else { next.append(joined(text)); continue }
                let directory: RepoPath?
                switch locate(prefix.isEmpty ? "." : prefix) {
                case .root: directory = nil
                case .repo(let p): directory = p
                case .outside, .git, .device, .invalid, .unknownDirectory: return nil
                }
                guard try view.node(directory) == .directory else { continue }
                for name in try view.children(directory) where matches(component, name) {
                    if !last, try view.node(ShellView.child(directory, name)) != .directory { continue }
                    next.append(joined(name))
                }
            }
            prefixes = next
            if prefixes.isEmpty { break }
        }
        if prefixes.isEmpty { return [word.text] }
        return prefixes.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
