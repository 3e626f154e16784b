#!/usr/bin/env python3
"""Generates a repository with a long history and three Claude Code logs that name no base
commit (the `base` workload): how long choosing the base by agreement takes.

DIR/repo: N commits on `main` (made with `git fast-import`: fixed dates, no user config), of
F text files of 20 lines (`src/fNNN.txt`). Commit 0 adds them; commit i (1..N-1) changes one
line of file i mod F, one minute after the commit before. Every log starts an hour after the
last commit, so the session's start picks HEAD.

- DIR/head.jsonl: whole-file Reads of 10 files as HEAD has them (the common case: the first
  commit examined agrees);
- DIR/root.jsonl: the same files as commit 0 has them, then an Edit of one: only the root
  agrees, the N-th commit examined (the whole history walked);
- DIR/none.jsonl: a Read of a file as no commit had it (a dirty start): every commit is
  examined and none agrees.

DIR/expected.json: the ids of HEAD and of the root commit, and N.

Usage: bench/make_history.py DIR [--commits N] [--files F]
"""
import argparse
import json
import os
import subprocess

ROOT = "/home/dev/history"
T0 = 1_700_000_000
LINES = 20


def iso(seconds):
    import datetime
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".000Z"


def original(k):
    return [f"file {k} line {j}" for j in range(LINES)]


def text(lines):
    return "\n".join(lines) + "\n"


class Log:
    """A Claude Code 2.1 log: every line carries the session id, cwd, gitBranch, uuid chain."""

    def __init__(self, start):
        self.start = start
        self.lines = []
        self.n = 0
        self.parent = None

    def line(self, record):
        self.n += 1
        uuid = f"{self.n:08x}-0000-4000-8000-{self.n:012x}"
        full = {"parentUuid": self.parent, "isSidechain": False, "userType": "external", "cwd": ROOT,
                "sessionId": "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d", "version": "2.1.100", "gitBranch": "main"}
        full.update(record)
        full.update({"uuid": uuid, "timestamp": iso(self.start + self.n)})
        self.parent = uuid
        self.lines.append(json.dumps(full, separators=(",", ":")))

    def call(self, name, tool_input, result, record):
        call = f"toolu_{self.n:08d}"
        self.line({"type": "assistant", "message": {
            "id": f"msg_{self.n:08d}", "type": "message", "role": "assistant", "model": "claude-opus-4-6",
            "content": [{"type": "tool_use", "id": call, "name": name, "input": tool_input}],
            "usage": {"input_tokens": 10, "output_tokens": 5}}})
        self.line({"type": "user", "message": {"role": "user", "content": [
            {"tool_use_id": call, "type": "tool_result", "content": result}]}, "toolUseResult": record})

    def read(self, path, lines):
        absolute = f"{ROOT}/{path}"
        shown = "\n".join(f"{i + 1}\t{l}" for i, l in enumerate(lines))
        self.call("Read", {"file_path": absolute}, shown, {"type": "text", "file": {
            "filePath": absolute, "content": text(lines), "numLines": len(lines) + 1, "startLine": 1,
            "totalLines": len(lines) + 1}})

    def edit(self, path, old, new):
        absolute = f"{ROOT}/{path}"
        self.call("Edit", {"file_path": absolute, "old_string": old, "new_string": new},
                  f"The file {absolute} has been updated successfully.",
                  {"filePath": absolute, "oldString": old, "newString": new, "structuredPatch": [],
                   "userModified": False, "replaceAll": False})

    def save(self, path):
        with open(path, "w") as f:
            f.write("\n".join(self.lines) + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--commits", type=int, default=10000)
    p.add_argument("--files", type=int, default=100)
    a = p.parse_args()
    repo = os.path.join(a.dir, "repo")
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True, env=env)
    files = {k: original(k) for k in range(a.files)}
    stream = []

    def blob(lines):
        data = text(lines).encode()
        return b"data %d\n" % len(data) + data + b"\n"

    for i in range(a.commits):
        message = f"commit {i}\n".encode()
        stream.append(b"commit refs/heads/main\n")
        stream.append(b"committer Bench <bench@example.com> %d +0000\n" % (T0 + 60 * i))
        stream.append(b"data %d\n" % len(message) + message)
        if i == 0:
            for k in range(a.files):
                stream.append(b"M 100644 inline src/f%03d.txt\n" % k + blob(files[k]))
        else:
            k = i % a.files
            files[k][(i // a.files) % LINES] = f"file {k} line {(i // a.files) % LINES} v{i}"
            stream.append(b"M 100644 inline src/f%03d.txt\n" % k + blob(files[k]))
        stream.append(b"\n")
    subprocess.run(["git", "-C", repo, "fast-import", "--quiet"], input=b"".join(stream), check=True, env=env)
    head = subprocess.run(["git", "-C", repo, "rev-parse", "main"], capture_output=True, check=True, env=env).stdout.decode().strip()
    root = subprocess.run(["git", "-C", repo, "rev-list", "--max-parents=0", "main"], capture_output=True, check=True,
                          env=env).stdout.decode().strip()
    subprocess.run(["git", "-C", repo, "symbolic-ref", "HEAD", "refs/heads/main"], check=True, env=env)

    start = T0 + 60 * a.commits + 3600
    watched = range(1, 11)
    log = Log(start)
    for k in watched:
        log.read(f"src/f{k:03d}.txt", files[k])
    log.save(os.path.join(a.dir, "head.jsonl"))
    log = Log(start)
    for k in watched:
        log.read(f"src/f{k:03d}.txt", original(k))
    log.edit("src/f001.txt", "file 1 line 0\n", "file 1, line 0\n")
    log.save(os.path.join(a.dir, "root.jsonl"))
    log = Log(start)
    log.read("src/f001.txt", ["work no commit holds"])
    log.save(os.path.join(a.dir, "none.jsonl"))
    with open(os.path.join(a.dir, "expected.json"), "w") as f:
        json.dump({"head": head, "root": root, "commits": a.commits}, f)


if __name__ == "__main__":
    main()
