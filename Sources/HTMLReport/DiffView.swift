import Insight

/// A span's file changes as coloured unified diffs.
enum DiffView {
    static func html(_ change: Action.FileChange) -> String {
        var out = "<div class=\"file\"><span class=\"path\">\(HTML.escape(change.path))</span> "
        let what = change.before == nil ? "created" : change.after == nil ? "deleted" : "changed"
        out +=
            "<span class=\"muted\">\(what)</span> <span class=\"plus\">+\(change.diff.added)</span> <span class=\"minus\">−\(change.diff.removed)</span></div>"
        if change.diff.binary { return out + "<p class=\"muted\">binary content</p>" }
        if change.diff.lines.isEmpty { return out }
        out += "<pre class=\"diff\">"
        for line in change.diff.lines {
            switch line {
            case .hunk(let s): out += "<span class=\"dh\">\(HTML.escape(s))</span>"
            case .context(let s): out += "<span class=\"dc\"> \(HTML.escape(s))</span>"
            case .added(let s): out += "<span class=\"da\">+\(HTML.escape(s))</span>"
            case .removed(let s): out += "<span class=\"dr\">-\(HTML.escape(s))</span>"
            }
        }
        if change.diff.truncated { out += "<span class=\"dh\">… (cut: the diff goes on)</span>" }
        return out + "</pre>"
    }
}
