import ToolSemantics

/// Glossary of shell replay.
///
/// - **Shell effects**: what a recorded command line did to the files, worked out without
///   running anything: the plain, deterministic commands (`rm`, `mv`, `cp`, `mkdir`, `touch`,
///   `chmod`, `sed -i`, `tee`, redirections of `echo`/`printf`/`cat` and here-documents, `cd`)
///   are followed against the replayed tree; anything else is *unknown*.
/// - **Read-only**: a command that cannot write files (`ls`, `grep`, `git status`, …).
/// - **Unseen effects**: a command that may have changed files in ways replay cannot follow
///   (a script, a build, `curl -o`, a formatter): its span is flagged, and later drift on a
///   file names it as a suspect.
/// - **Not replayed**: an effect outside the sandbox (outside the repo, inside `.git`): it
///   happened in the recording and is noted, never written.
///
/// `ShellEffects.evaluate` is pure: a command line, a working directory and a view of the tree
/// in, a value out. `ShellReplay` applies that value to the workspace.
package struct ShellEffects: Equatable {
    package struct Effect: Equatable {
        package enum Change: Equatable {
            case write([UInt8], executable: Bool)
            case delete
        }

        package var path: RepoPath
        package var change: Change
        /// Whether the result depends only on the command line (text written by `echo`, a
        /// here-document, `touch`, a removal), not on other files' replayed content (`mv`,
        /// `cp`, `sed`): only then does the path match the recording afterwards for certain.
        package var literal: Bool
    }

    /// The file changes, in the order the commands made them.
    package var effects: [Effect] = []
    /// What replay cannot follow: commands, expansions, files it cannot read.
    package var unknown: [String] = []
    /// Known commands that fail on replay where the recorded run may have succeeded, in a way
    /// that hides an effect (a `mv` of a file replay does not have).
    package var missing: [String] = []
    /// Effects outside the sandbox: happened in the recording, not replayed.
    package var notReplayed: [String] = []
    /// The exit status replay works out: true for 0, false for non-zero, nil when it cannot
    /// tell.
    package var succeeded: Bool? = true
    /// The working directory afterwards (nil: replay lost track of it).
    package var directory: String?
    /// Directories known to exist that git cannot hold (empty ones), afterwards.
    package var directories: Set<RepoPath> = []
    /// The limit the commands went past (a file, the bytes or the changes of the span): the
    /// span is then refused, and `effects` is not to be applied.
    package var exceeded: ReplayLimits.Exceeded?
    /// Bytes written by `effects`, against the span's limit.
    var writtenBytes = 0

    /// Nothing written, nothing unknown: the command changed no file.
    var isReadOnly: Bool { effects.isEmpty && unknown.isEmpty && missing.isEmpty && notReplayed.isEmpty }

    /// Works out what `command` did, run in `directory` (an absolute recorded path; nil: the
    /// root) of the repository recorded at `root`, on `tree` plus `directories`.
    /// `recordedSuccess`: the recording says the whole command exited 0 (so, in a chain of
    /// `&&`, every command ran and succeeded). `directoryLost`: the shell's working directory
    /// is not known (relative paths are then unknown).
    package static func evaluate(
        _ command: String, in directory: String?, root: String?, tree: any ShellTree,
        directories: Set<RepoPath> = [], recordedSuccess: Bool, directoryLost: Bool = false
    ) -> ShellEffects {
        var run = ShellRun(root: root, directory: directory, view: ShellView(base: tree, directories: directories))
        if directoryLost { run.directory = nil }
        do {
            let script = try ShellScript.parseRemembered(command)
            try run.script(script, recordedSuccess: recordedSuccess)
        } catch let exceeded as ReplayLimits.Exceeded {
            run.result.exceeded = exceeded
            run.result.succeeded = nil
            run.directory = nil
        } catch let unsupported as ShellScript.Unsupported {
            run.result.unknown.append("\(ShellRun.short(command)): \(unsupported.reason)")
            run.result.succeeded = nil
            // It may have changed directory in what replay could not read.
            if ["cd", "pushd", "popd"].contains(where: { command.contains($0) }) { run.directory = nil }
        } catch {
            run.result.unknown.append("\(ShellRun.short(command)): the files could not be read (\(error))")
            run.result.succeeded = nil
        }
        var result = run.result
        result.directory = run.directory
        result.directories = run.view.directories
        return result
    }
}

/// Where a word names a file, as the sandbox sees it.
enum ShellLocation: Equatable {
    /// The repository's root directory itself.
    case root
    case repo(RepoPath)
    case git(String)
    case outside(String)
    /// `/dev/null`, `/dev/stdout`, …: nothing is written.
    case device
    case invalid(String)
    /// Relative to a working directory replay lost track of.
    case unknownDirectory
}

/// The state of one evaluation: the view of the files, the working directory, the result so far.
struct ShellRun {
    /// A stand-in root for traces that record none: absolute paths are then outside.
    static let placeholderRoot = "/agentreplay-unknown-root"

    let root: String
    let rootComponents: [String]
    let windows: Bool
    var directory: String?
    var view: ShellView
    var result = ShellEffects()
    /// `set -e`.
    var errexit = false
    /// `exit` ran.
    var exited = false

    init(root: String?, directory: String?, view: ShellView) {
        let r = root ?? Self.placeholderRoot
        let windows = RepoPath.isWindowsPath(r) || directory.map(RepoPath.isWindowsPath) == true
        let posixRoot = windows ? RepoPath.posix(r) : r
        let d = directory.map { windows ? RepoPath.posix($0) : $0 } ?? posixRoot
        self.windows = windows
        self.root = posixRoot
        rootComponents = RepoPath.normalise(RepoPath.components(posixRoot)) ?? []
        self.directory = RepoPath.isAbsolute(d) ? d : posixRoot + "/" + d
        self.view = view
    }

    static func short(_ command: String) -> String {
        let first = command.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? command
        let trimmed = first.count > 60 ? String(first.prefix(60)) + "…" : first
        return "`" + trimmed + (first.count < command.count && first.count <= 60 ? " …" : "") + "`"
    }

    // MARK: Lists

    mutating func script(_ script: ShellScript, recordedSuccess: Bool) throws {
        // In a chain of `&&` that exited 0, every command ran and succeeded.
        let forced = recordedSuccess && script.items.allSatisfy { ($0.connector == .first || $0.connector == .and) && !$0.background }
        var last: Bool? = true
        for (n, item) in script.items.enumerated() {
            var runs: Bool?
            switch item.connector {
            case .first, .then: runs = errexit ? (last == false ? false : last == nil ? nil : true) : true
            case .and: runs = last
            case .or: runs = last.map { !$0 }
            }
            if errexit, runs == false, item.connector == .then { break }
            if forced { runs = true }
            if runs == false { continue }
            let display = item.pipeline.map(Self.display).joined(separator: " | ")
            if item.background || runs == nil {
                // It may run, or run on after the recording: nothing of it is applied.
                var trial = self
                _ = try trial.pipeline(item.pipeline, assumeSuccess: false)
                if trial.result.effects.count > result.effects.count || trial.result.unknown.count > result.unknown.count
                    || trial.result.missing.count > result.missing.count
                {
                    result.unknown.append(
                        item.background
                            ? "`\(display) &` runs in the background: its effects are not replayed"
                            : "`\(display)` may or may not have run (after a command whose exit status replay cannot tell)")
                }
                if trial.directory != directory { directory = nil }
                last = item.background ? true : nil
                continue
            }
            let isLast = n == script.items.count - 1
            last = try pipeline(item.pipeline, assumeSuccess: forced || (recordedSuccess && isLast))
            if forced { last = true }
            if exited { break }
        }
        result.succeeded = last
    }

    static func display(_ c: ShellCommand) -> String {
        let words = c.words.prefix(3).map(\.text).joined(separator: " ")
        return words.count > 50 ? String(words.prefix(50)) + "…" : words
    }

    /// Runs one pipeline; returns its exit status (nil: cannot tell).
    mutating func pipeline(_ commands: [ShellCommand], assumeSuccess: Bool) throws -> Bool? {
        if commands.count == 1 {
            return try command(commands[0], stdin: .inherited, assumeSuccess: assumeSuccess, inPipeline: false).status
        }
        // Stages run at once: only the last may write files (a redirection, `tee`).
        var stdin = ShellStream.inherited
        var status: Bool?
        for (k, c) in commands.enumerated() {
            let last = k == commands.count - 1
            let before = (result.effects.count, result.notReplayed.count)
            let r = try command(c, stdin: stdin, assumeSuccess: assumeSuccess && last, inPipeline: true)
            if !last, (result.effects.count, result.notReplayed.count) != before {
                result.unknown.append("`\(Self.display(c))` writes from inside a pipeline")
            }
            stdin = r.stdout
            status = r.status
        }
        return status
    }

    // MARK: Paths

    /// Where `word` points, from the current working directory.
    func locate(_ word: String, from base: String? = nil) -> ShellLocation {
        if ["/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "/dev/fd/1", "/dev/fd/2"].contains(word) { return .device }
        if word.isEmpty { return .invalid("an empty path") }
        let w = windows ? RepoPath.posix(word) : word
        let absolute: String
        if RepoPath.isAbsolute(w) {
            absolute = w
        } else {
            guard let cwd = base ?? directory else { return .unknownDirectory }
            absolute = cwd + "/" + w
        }
        guard let parts = RepoPath.normalise(RepoPath.components(absolute)) else { return .outside(word) }
        if RepoPath.sameBytes(parts, rootComponents) { return .root }
        switch RepoPath.map(absolute, root: root) {
        case .success(let p): return .repo(p)
        case .failure(.outsideRepo): return .outside(word)
        case .failure(.gitDirectory): return .git(word)
        case .failure(.invalid(_, let reason)): return .invalid(reason)
        }
    }

    /// The absolute path of a location a command may `cd` to.
    func absolute(_ word: String) -> String? {
        guard let cwd = directory else { return RepoPath.isAbsolute(word) ? word : nil }
        let w = windows ? RepoPath.posix(word) : word
        let joined = RepoPath.isAbsolute(w) ? w : cwd + "/" + w
        guard let parts = RepoPath.normalise(RepoPath.components(joined)) else { return nil }
        return "/" + parts.joined(separator: "/")
    }

    /// The words of a command after expansion: nil (with `unknown` noted) when replay cannot
    /// expand them.
    mutating func expand(_ words: ArraySlice<ShellWord>, for name: String) throws -> [String]? {
        if let out = try expandQuietly(words) { return out }
        if let w = words.first(where: { $0.expansion != nil }) {
            result.unknown.append("`\(name)`: `\(w.expansion!)` is not expanded by replay")
        } else if let w = words.first(where: \.hasBraces) {
            result.unknown.append("`\(name)`: brace expansion in `\(w.text)` is not followed")
        } else {
            result.unknown.append("`\(name)`: a pattern that looks outside the repo")
        }
        return nil
    }

    /// The words after pathname expansion; nil when one holds an expansion replay does not
    /// make.
    func expandQuietly(_ words: ArraySlice<ShellWord>) throws -> [String]? {
        var out: [String] = []
        for w in words {
            if w.expansion != nil || w.hasBraces { return nil }
            guard let expanded = try ShellGlob.expand(w, locate: { locate($0) }, view: view) else { return nil }
            out += expanded
        }
        return out
    }

    // MARK: Effects

    /// Writes `bytes` at `path` in the view and notes the effect; throws past a limit
    /// (`ReplayLimits`): a file's size, the bytes or the number of changes of the span.
    mutating func write(_ path: RepoPath, _ bytes: [UInt8], executable: Bool, literal: Bool) throws(ReplayLimits.Exceeded) {
        let limits = ReplayLimits.current
        try limits.checkFile(path.value, size: bytes.count)
        result.writtenBytes = result.writtenBytes.saturatingAdd(bytes.count)
        if result.writtenBytes > limits.spanBytes {
            throw ReplayLimits.Exceeded(
                what: "the command writes \(TextCount.bytes(result.writtenBytes)) (at \(path.value))", limit: limits.spanBytes, variable: .spanBytes)
        }
        try checkChanges(limits)
        view.write(path, bytes, executable: executable)
        result.effects.append(.init(path: path, change: .write(bytes, executable: executable), literal: literal))
    }

    mutating func delete(_ path: RepoPath) throws(ReplayLimits.Exceeded) {
        try checkChanges(.current)
        view.delete(path)
        result.effects.append(.init(path: path, change: .delete, literal: true))
    }

    private func checkChanges(_ limits: ReplayLimits) throws(ReplayLimits.Exceeded) {
        guard result.effects.count >= limits.spanPaths else { return }
        throw ReplayLimits.Exceeded(
            what: "the command makes more than \(limits.spanPaths) file changes", limit: limits.spanPaths, variable: .spanPaths)
    }

    /// Notes an effect on a location outside the sandbox (or unknown); true when it was one.
    mutating func outsideSandbox(_ l: ShellLocation, _ what: String) -> Bool {
        switch l {
        case .root, .repo: return false
        case .device: return true
        case .outside(let w): result.notReplayed.append("\(what) \(w): outside the repo, not replayed")
        case .git(let w): result.notReplayed.append("\(what) \(w): inside .git, not replayed")
        case .invalid(let reason): result.unknown.append("\(what): \(reason)")
        case .unknownDirectory: result.unknown.append("\(what): a path relative to a directory replay lost track of")
        }
        return true
    }
}

/// Standard input or output of a command: bytes replay knows, or not.
enum ShellStream: Equatable {
    case known([UInt8])
    case unknown
    /// Whatever the command line itself was given (usually nothing).
    case inherited
}
