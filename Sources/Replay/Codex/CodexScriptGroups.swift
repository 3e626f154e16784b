import Trace

/// Calls a script starts together: the elements of an array of calls (`const [a, b] = await
/// Promise.all([tools.x(…), tools.y(…)])`), or one call per
/// element of a constant array of strings (`await Promise.all(cmds.map(cmd =>
/// tools.exec_command({cmd, workdir: "…"})))`).
extension CodexScript.Reader {
    /// Methods of an array that leave it as it is.
    static let reading: Set<String> = ["map", "length", "forEach", "join", "slice", "filter", "includes", "indexOf", "some", "every", "find"]

    /// Whether the top-level name `name` is only ever read (`name.map(…)`, `name.length`).
    func onlyRead(_ name: String) -> Bool {
        for n in tokens.indices where tokens[n].isWord(name) && !afterDot(n, in: tokens) {
            if n > 0, let d = tokens[n - 1].word, Self.declarations.contains(d) { continue }
            guard n + 2 < tokens.count, tokens[n + 1].isPunct("."), let method = tokens[n + 2].word, Self.reading.contains(method) else {
                return false
            }
        }
        return true
    }

    /// When the `tools` at `n` starts a group of calls started together, reads the group and
    /// returns the index after it; nil when it does not.
    mutating func group(at n: Int) throws(CodexScript.Unreadable) -> Int? {
        guard n > 0, !tokens[..<n].contains(where: { $0.isWord("return") }) else { return nil }
        if tokens[n - 1].isPunct("["), n - 1 == firstElement(n - 1) { return try array(opening: n - 1) }
        if tokens[n - 1].isPunct("=>") { return try mapped(arrow: n - 1) }
        return nil
    }

    /// `o` when the array at `o` is the argument of an awaited top-level `Promise.all`.
    func firstElement(_ o: Int) -> Int? {
        guard let close = partner[o] else { return nil }
        guard o >= 5, tokens[o - 1].isPunct("("), promiseAll(endingAt: o - 2), depth[o] == 1, isAwaited(o - 5),
            close + 1 < tokens.count, tokens[close + 1].isPunct(")")
        else { return nil }
        return o
    }

    /// Whether `Promise . all` ends at `k`.
    func promiseAll(endingAt k: Int) -> Bool {
        k >= 2 && tokens[k].isWord("all") && tokens[k - 1].isPunct(".") && tokens[k - 2].isWord("Promise")
    }

    /// Whether the statement up to `k` (inclusive) is `[const NAME =] await`.
    func isAwaited(_ k: Int) -> Bool {
        guard k >= 0, tokens[k].isWord("await") else { return false }
        let prefix = statementPrefix(k)
        if prefix.isEmpty { return depth[k] == 0 }
        guard prefix.count == 3, let d = prefix[0].word, Self.declarations.contains(d),
            prefix[1].word != nil || prefix[1].isPunct("[]") || prefix[1].isPunct("{}"), prefix[2].isPunct("=")
        else { return false }
        return depth[k] == 0
    }

    /// An array whose every element is a tool call; nil when an element is anything else.
    mutating func array(opening o: Int) throws(CodexScript.Unreadable) -> Int? {
        guard let close = partner[o] else { return nil }
        var found: [CodexScript.Call] = []
        var m = o + 1
        while m < close {
            guard tokens[m].isWord("tools"), m + 3 < close, tokens[m + 1].isPunct("."), let name = tokens[m + 2].word,
                tokens[m + 3].isPunct("("), let end = partner[m + 3]
            else { return nil }
            if let call = try element(name, arguments: m + 4, close: end) { found.append(call) }
            m = end + 1
            if m < close { guard tokens[m].isPunct(",") else { return nil }; m += 1 }
        }
        try add(found)
        return close + 1
    }

    /// `await Promise.all(LIST.map(x => tools.NAME(…)))` with LIST a constant array of
    /// strings: one call per element, `x` standing for it.
    mutating func mapped(arrow a: Int) throws(CodexScript.Unreadable) -> Int? {
        if a >= 1, let parameter = tokens[a - 1].word { return try mapped(arrow: a, parameter: parameter, start: a - 1) }
        if a >= 3, tokens[a - 1].isPunct(")"), let parameter = tokens[a - 2].word, tokens[a - 3].isPunct("(") {
            return try mapped(arrow: a, parameter: parameter, start: a - 3)
        }
        return nil
    }

    mutating func mapped(arrow a: Int, parameter: String, start p: Int) throws(CodexScript.Unreadable) -> Int? {
        let n = a + 1
        guard p >= 9, tokens[p - 1].isPunct("("), tokens[p - 2].isWord("map"), tokens[p - 3].isPunct("."),
            let list = tokens[p - 4].word, let items = lists[list], tokens[p - 5].isPunct("("), promiseAll(endingAt: p - 6),
            isAwaited(p - 9), let mapClose = partner[p - 1], let allClose = partner[p - 5], mapClose + 1 == allClose,
            n + 3 < tokens.count, tokens[n + 1].isPunct("."), let name = tokens[n + 2].word, tokens[n + 3].isPunct("("),
            let end = partner[n + 3], end + 1 == mapClose
        else { return nil }
        let saved = constants[parameter]
        defer { constants[parameter] = saved }
        var found: [CodexScript.Call] = []
        for item in items {
            constants[parameter] = item
            if let call = try element(name, arguments: n + 4, close: end) { found.append(call) }
        }
        try add(found)
        return allClose + 1
    }

    /// The call of one element of a group (nil for a read-only tool).
    func element(_ name: String, arguments m: Int, close: Int) throws(CodexScript.Unreadable) -> CodexScript.Call? {
        if CodexScript.isReadOnly(name) { return nil }
        guard CodexScript.replayable.contains(name) else {
            throw CodexScript.Unreadable(reason: "tools.\(name): a tool replay does not know, which may change files")
        }
        guard let (argument, end) = literal(at: m), end == close || (tokens[end].isPunct(",") && end + 1 == close) else {
            throw CodexScript.Unreadable(reason: "the argument of tools.\(name) is not a literal")
        }
        return CodexScript.Call(tool: name, argument: argument, group: groups)
    }

    mutating func add(_ found: [CodexScript.Call]) throws(CodexScript.Unreadable) {
        if found.filter({ $0.tool == "apply_patch" }).count > 1 {
            throw CodexScript.Unreadable(reason: "several tools.apply_patch calls start together")
        }
        calls += found
        groups += 1
    }
}
