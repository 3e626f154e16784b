/// SQL written with SQLite's placeholders (`?` in order, `:name` by name) rewritten for
/// PostgreSQL (`$1`, `$2`…), so the index's statements and a user's query are written once.
/// Text inside quotes ('…', "…", $tag$…$tag$) and comments is left alone, and so is a cast
/// (`::text`).
public struct Placeholders: Sendable, Equatable {
    /// The statement with `$N` in place of each placeholder.
    public var sql: String
    /// What each `$N` stands for, in order: the index of a `?` among the positional ones, or
    /// a name (a name used twice is one `$N`).
    public var parameters: [Parameter]

    public enum Parameter: Sendable, Equatable {
        case position(Int)
        case name(String)
    }

    /// Rewrites `sql`; `positional` says whether `?` is a placeholder (the index's own
    /// statements) or left as it is (a user's query, where `?` may be an operator).
    public init(_ sql: String, positional: Bool) {
        let chars = Array(sql.unicodeScalars)
        var out = String.UnicodeScalarView()
        var parameters: [Parameter] = []
        var positions = 0
        var i = 0
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
        func isName(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || ("0"..."9").contains(c) }
        /// Copies from `i` up to and including the next `close` (or to the end).
        func copy(until close: [Unicode.Scalar]) {
            while i < chars.count {
                if Array(chars[i..<min(chars.count, i + close.count)]) == close {
                    out.append(contentsOf: close)
                    i += close.count
                    return
                }
                out.append(chars[i])
                i += 1
            }
        }
        func placeholder(_ parameter: Parameter) {
            let number: Int
            if case .name = parameter, let known = parameters.firstIndex(of: parameter) {
                number = known + 1
            } else {
                parameters.append(parameter)
                number = parameters.count
            }
            out.append(contentsOf: "$\(number)".unicodeScalars)
        }
        while i < chars.count {
            let c = chars[i]
            let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
            switch c {
            case "'", "\"":
                out.append(c)
                i += 1
                copy(until: [c])  // a doubled quote is two quoted runs side by side: the same text
            case "-" where next == "-":
                copy(until: ["\n"])
            case "/" where next == "*":
                out.append(contentsOf: "/*".unicodeScalars)
                i += 2
                copy(until: ["*", "/"])
            case "$" where next.map({ isNameStart($0) || $0 == "$" }) == true:
                // A dollar-quoted string: $$…$$ or $tag$…$tag$.
                var j = i + 1
                while j < chars.count, chars[j] != "$", isName(chars[j]) { j += 1 }
                if j < chars.count, chars[j] == "$" {
                    let tag = Array(chars[i...j])
                    out.append(contentsOf: tag)
                    i = j + 1
                    copy(until: tag)
                } else {
                    out.append(c)
                    i += 1
                }
            case ":" where next == ":":
                out.append(contentsOf: "::".unicodeScalars)
                i += 2
            case ":" where next.map(isNameStart) == true:
                var j = i + 1
                while j < chars.count, isName(chars[j]) { j += 1 }
                placeholder(.name(String(String.UnicodeScalarView(chars[(i + 1)..<j]))))
                i = j
            case "?" where positional:
                placeholder(.position(positions))
                positions += 1
                i += 1
            default:
                out.append(c)
                i += 1
            }
        }
        self.sql = String(out)
        self.parameters = parameters
    }
}
