import XCTest

@testable import Shell
@testable import ToolSemantics

/// `ShellEffects.evaluate` with plain values: a command line, a working directory and a tree
/// in, the file effects (or what replay cannot follow) out. Nothing runs, no repository.
final class ShellEffectsTests: XCTestCase {
    let files = ["a.txt": "a\n", "b.txt": "b\n", "src/x.ts": "x\n", "src/y.ts": "y\n", "src/lib/z.ts": "z\n", ".hidden": "h\n"]

    // MARK: rm

    func testRmRemovesFilesAndWithRDirectories() {
        XCTAssertEqual(shellEffects("rm a.txt", files: files).lines, ["delete a.txt"])
        XCTAssertEqual(shellEffects("rm -rf src", files: files).lines, ["delete src/lib/z.ts", "delete src/x.ts", "delete src/y.ts"])
        XCTAssertEqual(shellEffects("rm -r -- src/lib b.txt", files: files).lines, ["delete src/lib/z.ts", "delete b.txt"])
        let noR = shellEffects("rm src", files: files, recordedSuccess: false)
        XCTAssertEqual(noR.lines, [])
        XCTAssertEqual(noR.succeeded, false, "rm: src: is a directory")
        XCTAssertTrue(noR.unknown.isEmpty && noR.missing.isEmpty)
    }

    func testRmOfAMissingFileFailsUnlessForced() {
        let plain = shellEffects("rm ghost", files: files, recordedSuccess: false)
        XCTAssertEqual(plain.succeeded, false)
        XCTAssertTrue(plain.isReadOnly, "nothing to remove: the end state is the same")
        XCTAssertEqual(shellEffects("rm -f ghost", files: files, recordedSuccess: false).succeeded, true)
    }

    func testGlobsExpandAgainstTheTreeInSortedOrder() {
        let files = ["b.log": "", "a.log": "", "C.log": "", "keep.txt": "", ".dot.log": "", "d/e.log": ""]
        XCTAssertEqual(
            shellEffects("rm *.log", files: files).lines, ["delete C.log", "delete a.log", "delete b.log"],
            "byte order; * skips dot files and does not cross /")
        XCTAssertEqual(shellEffects("rm .*.log */*.log", files: files).lines, ["delete .dot.log", "delete d/e.log"])
        XCTAssertEqual(shellEffects("rm [ab].log ?.log", files: files).lines, ["delete a.log", "delete b.log", "delete C.log"])
        XCTAssertEqual(shellEffects("rm '*.log'", files: files, recordedSuccess: false).lines, [], "a quoted * is a name")
        XCTAssertEqual(shellEffects("rm -f *.tmp", files: files).lines, [], "no match: the word stays, rm -f ignores it")
    }

    // MARK: mv, cp

    func testMvRenamesAFileAndMovesIntoADirectory() {
        XCTAssertEqual(shellEffects("mv a.txt c.txt", files: files).lines, ["write c.txt a\n", "delete a.txt"])
        XCTAssertEqual(
            shellEffects("mv a.txt b.txt src/", files: files).lines,
            ["write src/a.txt a\n", "delete a.txt", "write src/b.txt b\n", "delete b.txt"])
        XCTAssertEqual(shellEffects("mv -t src a.txt", files: files).lines, ["write src/a.txt a\n", "delete a.txt"])
        XCTAssertEqual(
            shellEffects("mv src/*.ts .", files: files).lines,
            ["write x.ts x\n", "delete src/x.ts", "write y.ts y\n", "delete src/y.ts"])
    }

    func testMvOfADirectoryMovesItsSubtree() {
        let e = shellEffects("mv src lib", files: files)
        XCTAssertEqual(
            e.applied(to: files), ["a.txt": "a\n", "b.txt": "b\n", "lib/x.ts": "x\n", "lib/y.ts": "y\n", "lib/lib/z.ts": "z\n", ".hidden": "h\n"])
        let into = shellEffects("mkdir out && mv src out/", files: files)
        XCTAssertEqual(Set(into.applied(to: files).keys), ["a.txt", "b.txt", ".hidden", "out/src/x.ts", "out/src/y.ts", "out/src/lib/z.ts"])
    }

    func testMvKeepsTheExecutableBit() {
        let e = shellEffects("mv run.sh bin/run", files: ["run.sh": "#!/bin/sh\n", "bin/x": ""], executable: ["run.sh"])
        XCTAssertEqual(e.lines, ["write bin/run (x) #!/bin/sh\n", "delete run.sh"])
    }

    func testMvIntoADirectoryMkdirMadeEarlier() {
        // Git holds no empty directory: `mkdir -p web` is remembered beside the tree.
        XCTAssertEqual(
            shellEffects("mv serve.ts web/", files: ["serve.ts": "s\n"], directories: ["web"]).lines,
            ["write web/serve.ts s\n", "delete serve.ts"])
        let chained = shellEffects("mkdir -p web/charts && mv serve.ts web/", files: ["serve.ts": "s\n"])
        XCTAssertEqual(chained.lines, ["write web/serve.ts s\n", "delete serve.ts"])
        XCTAssertEqual(chained.directories, [try RepoPath.relative("web").get(), try RepoPath.relative("web/charts").get()])
    }

    func testMvOfAFileReplayDoesNotHaveIsMissing() {
        let e = shellEffects("mv metrics.db data/", files: files)
        XCTAssertEqual(e.lines, [])
        XCTAssertEqual(e.missing, ["`mv metrics.db`: replay has no metrics.db"])
        XCTAssertFalse(e.isReadOnly)
    }

    func testCp() {
        XCTAssertEqual(shellEffects("cp a.txt c.txt", files: files).lines, ["write c.txt a\n"])
        XCTAssertEqual(shellEffects("cp a.txt src", files: files).lines, ["write src/a.txt a\n"])
        let dir = shellEffects("cp src copy", files: files, recordedSuccess: false)
        XCTAssertEqual(dir.lines, [])
        XCTAssertEqual(dir.succeeded, false, "cp without -r omits a directory")
        XCTAssertEqual(
            Set(shellEffects("cp -r src copy", files: files).applied(to: files).keys),
            Set(files.keys).union(["copy/x.ts", "copy/y.ts", "copy/lib/z.ts"]))
        XCTAssertEqual(
            shellEffects("cp -r src/ copy", files: files.merging(["copy/k": "k"]) { $1 }).unknown,
            ["`cp -r src/` into an existing directory (GNU and BSD cp differ)"])
        // An existing destination keeps its mode unless -p.
        XCTAssertEqual(shellEffects("cp a.sh b.sh", files: ["a.sh": "1", "b.sh": "2"], executable: ["a.sh"]).lines, ["write b.sh 1"])
        XCTAssertEqual(shellEffects("cp -p a.sh b.sh", files: ["a.sh": "1", "b.sh": "2"], executable: ["a.sh"]).lines, ["write b.sh (x) 1"])
    }

    // MARK: mkdir, touch, chmod, rmdir

    func testMkdirWritesNothingButIsKnown() {
        let e = shellEffects("mkdir -p build/out", files: files)
        XCTAssertTrue(e.isReadOnly)
        XCTAssertEqual(e.succeeded, true)
        XCTAssertEqual(shellEffects("mkdir src", files: files, recordedSuccess: false).succeeded, false, "it exists")
    }

    func testTouchCreatesAnEmptyFileOnlyWhenAbsent() {
        XCTAssertEqual(shellEffects("touch new.txt a.txt", files: files).lines, ["write new.txt "])
        XCTAssertEqual(shellEffects("touch -c new.txt", files: files).lines, [])
        let literal = shellEffects("touch new.txt", files: files).effects.map(\.literal)
        XCTAssertEqual(literal, [true])
    }

    func testChmodChangesTheExecutableBit() {
        XCTAssertEqual(shellEffects("chmod +x a.txt", files: files).lines, ["write a.txt (x) a\n"])
        XCTAssertEqual(shellEffects("chmod 644 a.sh", files: ["a.sh": "s"], executable: ["a.sh"]).lines, ["write a.sh s"])
        XCTAssertEqual(shellEffects("chmod go-x a.sh", files: ["a.sh": "s"], executable: ["a.sh"]).lines, [], "only the owner's bit counts")
        XCTAssertEqual(shellEffects("chmod -R +x src", files: files).unknown, ["`chmod -R` is not followed"])
        XCTAssertEqual(shellEffects("chmod 75\u{301}5 a.txt", files: files).unknown, ["`chmod 75\u{301}5` is not followed"], "chmod: invalid mode")
    }

    func testRmdirOfAnEmptyDirectory() {
        let e = shellEffects("mv charts/a.png web/ && rmdir charts", files: ["charts/a.png": "png", "web/index.html": "i"])
        XCTAssertEqual(e.lines, ["write web/a.png png", "delete charts/a.png"])
        XCTAssertEqual(e.succeeded, true)
        XCTAssertTrue(e.directories.isEmpty, "charts went with rmdir")
    }

    // MARK: Redirections

    func testEchoPrintfAndHereDocumentsIntoFiles() {
        XCTAssertEqual(shellEffects("echo hello > out.txt", files: files).lines, ["write out.txt ", "write out.txt hello\n"])
        XCTAssertEqual(shellEffects("echo -n more >> a.txt", files: files).lines, ["write a.txt a\nmore"])
        XCTAssertEqual(shellEffects("printf '%s=%d\\n' a 1 b 2 > kv", files: files).applied(to: [:]), ["kv": "a=1\nb=2\n"])
        let doc = shellEffects("cat > notes.md <<'EOF'\n# Notes\n$HOME stays\nEOF", files: files)
        XCTAssertEqual(doc.applied(to: [:]), ["notes.md": "# Notes\n$HOME stays\n"])
        XCTAssertEqual(doc.effects.last?.literal, true)
        XCTAssertEqual(shellEffects(": > empty && > also", files: files).applied(to: [:]), ["empty": "", "also": ""])
        XCTAssertEqual(shellEffects("cat a.txt b.txt > ab.txt", files: files).applied(to: [:])["ab.txt"], "a\nb\n")
        XCTAssertEqual(shellEffects("echo x | tee t1 t2 > /dev/null", files: files).applied(to: [:]), ["t1": "x\n", "t2": "x\n"])
        XCTAssertEqual(shellEffects("cat a.txt > a.txt", files: files).applied(to: files)["a.txt"], "", "> empties the file before cat reads it")
    }

    func testEchoAndPrintfPrintWhatTheirPatternsExpandTo() {
        // The shell expands the pattern before echo runs: the names, in byte order.
        let e = shellEffects("echo *.txt src/*.ts > list", files: files)
        XCTAssertEqual(e.applied(to: [:])["list"], "a.txt b.txt src/x.ts src/y.ts\n")
        XCTAssertEqual(e.effects.last?.literal, false, "the names come from the replayed tree")
        XCTAssertEqual(shellEffects("printf '%s\\n' *.txt > list", files: files).applied(to: [:])["list"], "a.txt\nb.txt\n")
        XCTAssertEqual(
            shellEffects("echo '*.txt' \\*.md *.none > l", files: files).applied(to: [:])["l"], "*.txt *.md *.none\n", "quoted, or no match")
        let braces = shellEffects("echo {a,b}.txt > l", files: files)
        XCTAssertEqual(braces.unknown, ["`echo {a,b}.txt` writes to l what replay cannot tell"], "bash prints a.txt b.txt")
    }

    func testPrintfReadsALeadingZeroAsOctal() {
        XCTAssertEqual(shellEffects("printf '%d,%i' 0 -7 > n", files: files).applied(to: [:])["n"], "0,-7")
        XCTAssertEqual(
            shellEffects("printf '%d' 010 > n", files: files).unknown, ["`printf %d 010` writes to n what replay cannot tell"],
            "bash prints 8, and refuses 08")
    }

    func testOutputReplayCannotComputeIsUnknown() {
        let e = shellEffects("grep a a.txt > found.txt", files: files)
        XCTAssertEqual(e.unknown, ["`grep a a.txt` writes to found.txt what replay cannot tell"])
        XCTAssertEqual(shellEffects(#"echo "a\tb" > t"#, files: files).unknown.count, 1, "bash and zsh echo disagree on backslashes")
        XCTAssertEqual(shellEffects(#"echo "$HOME" > t"#, files: files).unknown.count, 1)
        XCTAssertTrue(shellEffects("grep a a.txt 2>/dev/null | head -5", files: files).isReadOnly)
    }

    // MARK: sed -i

    func testSedInPlace() {
        let files = ["conf.ini": "port=80\nhost=old\n"]
        XCTAssertEqual(shellEffects("sed -i 's/old/new/' conf.ini", files: files).applied(to: files), ["conf.ini": "port=80\nhost=new\n"])
        XCTAssertEqual(
            shellEffects("sed -i.bak -e 's/80/8080/g' conf.ini", files: files).applied(to: files),
            ["conf.ini": "port=8080\nhost=old\n", "conf.ini.bak": "port=80\nhost=old\n"])
        XCTAssertEqual(shellEffects("sed -i '' 's|=|: |' *.ini", files: files).applied(to: files), ["conf.ini": "port: 80\nhost: old\n"])
        XCTAssertEqual(
            shellEffects("sed -i 's/\\(p\\)ort/\\1/' conf.ini", files: files).unknown,
            ["`sed -i` with `\\1` in a sed replacement is not followed"])
        XCTAssertTrue(shellEffects("sed -n '1,2p' conf.ini", files: files).isReadOnly)
        XCTAssertEqual(shellEffects("sed 's/a/b/w log' conf.ini", files: files).unknown, ["`sed` with sed's `w` flag may write files"])
    }

    // MARK: Lists and directories

    func testCdChangesTheDirectoryForTheRestOfTheChain() {
        let e = shellEffects("cd src && rm x.ts && cd lib && mv z.ts ../../z.ts", files: files)
        XCTAssertEqual(e.lines, ["delete src/x.ts", "write z.ts z\n", "delete src/lib/z.ts"])
        XCTAssertEqual(e.directory, shellRoot + "/src/lib")
        XCTAssertEqual(shellEffects("rm x.ts", files: files, in: "src").lines, ["delete src/x.ts"], "the call's own working directory")
        XCTAssertEqual(shellEffects("cd .. && rm repo/a.txt", files: files).lines, ["delete a.txt"], "out of the root and back in")
    }

    func testALostWorkingDirectoryLeavesRelativePathsUnknown() {
        let e = ShellEffects.evaluate(
            "rm a.txt; rm /work/repo/b.txt; cd /work/repo/src && rm x.ts", in: nil, root: shellRoot,
            tree: ShellTestTree(files), recordedSuccess: true, directoryLost: true)
        XCTAssertEqual(e.lines, ["delete b.txt", "delete src/x.ts"])
        XCTAssertEqual(e.unknown, ["`rm` removes: a path relative to a directory replay lost track of"])
        XCTAssertEqual(e.directory, shellRoot + "/src", "an absolute cd finds it again")
    }

    func testAFailedCommandStopsAnAndChainWhenReplayCanTell() {
        let e = shellEffects("rm ghost && rm a.txt; rm b.txt", files: files, recordedSuccess: false)
        XCTAssertEqual(e.lines, ["delete b.txt"])
        let or = shellEffects("rm a.txt || rm b.txt", files: files)
        XCTAssertEqual(or.lines, ["delete a.txt"])
    }

    func testARecordedSuccessOfAnAndChainMeansEveryCommandRan() {
        // grep's status is the recording's to tell: with && and exit 0, it matched.
        XCTAssertEqual(shellEffects("grep -q a a.txt && rm a.txt", files: files).lines, ["delete a.txt"])
        let unsure = shellEffects("grep -q a a.txt && rm a.txt", files: files, recordedSuccess: false)
        XCTAssertEqual(unsure.lines, [])
        XCTAssertEqual(unsure.unknown, ["`rm a.txt` may or may not have run (after a command whose exit status replay cannot tell)"])
    }

    func testSetEStopsAtTheFirstFailure() {
        XCTAssertEqual(shellEffects("set -e; rm ghost; rm a.txt", files: files, recordedSuccess: false).lines, [])
    }

    func testAnEvaluationDoesNotDependOnTheOrderOfASet() {
        // Two directory names equal as Swift strings, different bytes: which one the view
        // keeps was the one a set's iteration met first, and a set's order differs between
        // instances (it is seeded by the address of its storage).
        let directories = ["s", "s/e\u{301}", "s/e\u{301}/b", "s/\u{E9}", "s/\u{E9}/a", "s/c", "s/d", "s/d/e"]
        var seen: Set<[UInt8]> = []
        for _ in 0..<40 {
            for command in ["cp -r s t && echo t/* > o", "mv s t && echo t/* > o", "echo s/* > o"] {
                let e = shellEffects(command, directories: directories)
                guard case .write(let bytes, _) = e.effects.last?.change else { return XCTFail(command) }
                seen.insert(Array(command.utf8) + [0] + bytes)
            }
        }
        XCTAssertEqual(seen.count, 3, "one answer per command")
    }

    // MARK: What replay does not follow

    func testScriptsAndProgramsAreUnknown() {
        XCTAssertEqual(shellEffects("./build.sh", files: files).unknown, ["`./build.sh` runs a program replay does not follow"])
        XCTAssertEqual(shellEffects("python gen.py --out x", files: files).unknown, ["`python gen.py --out …` runs a script replay does not follow"])
        XCTAssertEqual(shellEffects("npm install", files: files).unknown, ["`npm install` is not a command replay follows"])
        XCTAssertEqual(shellEffects("curl -o x.tgz https://example.com/x.tgz", files: files).unknown.count, 1)
        XCTAssertEqual(shellEffects("git commit -m x", files: files).unknown, ["`git commit` may change the working tree (or run hooks)"])
        XCTAssertEqual(shellEffects("git add -A && git commit -m \"$(cat <<'EOF'\nmsg\nEOF\n)\"", files: files).unknown.count, 1)
        XCTAssertEqual(shellEffects("npm start &", files: files).unknown, ["`npm start &` runs in the background: its effects are not replayed"])
    }

    func testReadOnlyCommands() {
        for command in [
            "ls -la", "cat a.txt", "grep -rn foo src", "rg -l x", "find . -name '*.ts'", "find . -name x -exec grep -l y {} \\;",
            "git status", "git diff --stat", "git log --oneline -10", "git show HEAD:a.txt", "git add -A", "head -50 a.txt | wc -l",
            "pwd", "node --version", "wc -l src/*.ts", "echo done", "sed -n '1,20p' a.txt", "FOO=1 printenv FOO",
        ] {
            let e = shellEffects(command, files: files)
            XCTAssertTrue(e.isReadOnly, "\(command): \(e)")
        }
        for command in ["find . -name '*.pyc' -delete", "sort -o out a.txt", "pytest", "make", "git checkout -- a.txt", "tee log"] {
            XCTAssertFalse(shellEffects(command, files: files).isReadOnly, command)
        }
    }

    // MARK: The sandbox

    func testEffectsOutsideTheRepoOrInGitAreNotReplayed() {
        let e = shellEffects("echo x > /tmp/out.txt && rm -rf .git/index.lock ../other && cp a.txt /tmp/", files: files)
        XCTAssertEqual(e.lines, [])
        XCTAssertEqual(
            e.notReplayed,
            [
                "`echo` writes to /tmp/out.txt: outside the repo, not replayed",
                "`rm` removes .git/index.lock: inside .git, not replayed",
                "`rm` removes ../other: outside the repo, not replayed",
                "`cp` to /tmp/a.txt: outside the repo, not replayed",
            ])
        XCTAssertTrue(e.unknown.isEmpty)
        XCTAssertEqual(shellEffects("mv a.txt /tmp/", files: files).lines, ["delete a.txt"], "moved out: gone from the repo")
        XCTAssertEqual(shellEffects("cp /etc/hosts hosts", files: files).unknown, ["`cp` brings /etc/hosts, from outside the repo, to hosts"])
        XCTAssertEqual(shellEffects("rm -rf /work/repo", files: files).unknown, ["`rm` removes the repository's root"])
    }

    func testADriveLikeNameIsADirectoryOfTheRepository() {
        // A POSIX shell: `c:/x` is the file x in the directory `c:` (as for SWE-agent's paths).
        XCTAssertEqual(shellEffects("touch c:/x && echo y > c:/y", files: files).lines, ["write c:/x ", "write c:/y ", "write c:/y y\n"])
        XCTAssertEqual(shellEffects("touch c:/x", files: files, in: "c:", directories: ["c:"]).lines, ["write c:/c:/x "])
    }

    func testASlashBeforeACombiningMarkIsASlash() {
        XCTAssertEqual(shellEffects("echo x > /\u{301}x", files: files).notReplayed, ["`echo` writes to /\u{301}x: outside the repo, not replayed"])
        let moved = shellEffects("mv a b", files: files, directories: ["a", "a/\u{301}c"])
        XCTAssertEqual(moved.directories, [RepoPath(unchecked: "b"), RepoPath(unchecked: "b/\u{301}c")])
        XCTAssertEqual(
            shellEffects("cp -r a a/\u{301}c", files: files, directories: ["a"], recordedSuccess: false).succeeded, false, "a directory into itself")
    }

    func testSymlinksAreNotWrittenThrough() {
        let files = ["link": "->/etc/passwd", "a": "a"]
        XCTAssertEqual(
            shellEffects("echo x > link", files: files).unknown,
            ["`echo` writes through link, a symlink or submodule of the tree: not replayed"])
        XCTAssertEqual(shellEffects("mv link b", files: files).unknown, ["`mv` of link, a symlink or submodule of the tree: not replayed"])
    }
}
