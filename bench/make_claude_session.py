#!/usr/bin/env python3
"""Generates a Claude Code session log at scale (the `replay`, `ingest` and `scaling`
workloads, and the small pair of the `diff-baseline` workload): a fixture repository of F
Python-like files and a Claude Code 2.1.x JSONL log of N tool calls on it, two Edits for every
three Reads, written the way Claude Code writes them.

Each tool call is one assistant line (one model turn, one `tool_use`; one turn in 25 also
has a text line first, with the same message id, as real logs do) and one user line with the
`tool_result` and its `toolUseResult`:

- Edit: `file_path`, `old_string`, `new_string` (a line replaced, a line inserted after
  another, a line deleted, or two lines replaced by three); the result records
  `originalFile` (the whole file before the edit) and `structuredPatch` (jsdiff hunks with
  three lines of context), as Claude Code 2.x does;
- Read: the whole file (one in eight) or a window of 3 to 12 lines (`offset`, `limit`); the
  result is the numbered text (`N<tab>line`) and `toolUseResult.file` (`content`,
  `numLines`, `startLine`, `totalLines`).

Every line of every file holds a token of its own (`#u0001234`), so any line is an
old_string found exactly once, and the log agrees with itself: replaying it on the base gives
no drift. Deterministic: our own generator (SplitMix64), fixed times, fixed commit dates, no
user git config: the same arguments give the same bytes.

Usage: bench/make_claude_session.py DIR [--tool-calls N] [--files F] [--lines L] [--seed S]
                                        [--pair K]
Writes DIR/repo (base commit on `main`), DIR/session.jsonl and DIR/expected.json (counts, the
log's size, and `final_tree`: the git tree id of the files after the last edit, computed here
without git). With --pair K it also writes DIR/b.jsonl, the same session with K differences
planted evenly, in turn an Edit with other new text (different input: the files differ from
there on, and a later Edit of the line it wrote differs too), a Read dropped (only in A) and a
Read added (only in B); their counts go to expected.json under `pair`.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

ROOT = "/home/dev/service"
MASK = (1 << 64) - 1
MODEL = "claude-opus-4-6"
VERSION = "2.1.100"
START = 1_767_603_600  # 2026-01-05T09:00:00Z


class SplitMix:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n


WORDS = ["parse", "render", "index", "merge", "flush", "score", "route", "cache", "split", "emit",
         "load", "store", "check", "build", "apply", "fetch", "order", "limit", "batch", "retry"]


class Lines:
    """Makes unique lines of Python-like code: each holds its own token `#u<7 digits>`, so no
    line is a substring of another."""

    def __init__(self, rng):
        self.rng = rng
        self.uid = 0

    def make(self, tag=""):
        self.uid += 1
        u = self.uid
        w1, w2 = WORDS[self.rng.below(len(WORDS))], WORDS[self.rng.below(len(WORDS))]
        shape = self.rng.below(6)
        if shape == 0:
            text = f"def {w1}_{w2}(req, ctx=None):"
        elif shape == 1:
            text = f"    total = {w1}_items(rows, {u % 500})"
        elif shape == 2:
            text = f"    if {w1}_state is None:"
        elif shape == 3:
            text = f"        return {w1}({w2}_value, {u % 7})"
        elif shape == 4:
            text = f"    log.debug(\"{w1} %s\", {w2}_key)"
        else:
            text = f"    seen[{w2}_key] += {u % 13}"
        return f"{text}  #u{u:07d}{tag}"


def iso(ms):
    s, ms = divmod(ms, 1000)
    import datetime
    return datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + f".{ms:03d}Z"


def uuid(n, kind):
    return f"{n:08x}-{kind:04x}-4000-8000-{n * 2654435761 & 0xFFFFFFFFFFFF:012x}"


def path_of(i):
    return f"src/pkg{i // 100:02d}/module_{i:04d}.py"


def text_of(lines):
    return "\n".join(lines) + "\n"


def hunk(lines, at, old_count, new_lines):
    """jsdiff's hunk (three lines of context) for lines[at:at+old_count] -> new_lines, with the
    lines both sides share at the ends of the region taken as context."""
    old = lines[at:at + old_count]
    lead = 0
    while lead < min(len(old), len(new_lines)) and old[lead] == new_lines[lead]:
        lead += 1
    trail = 0
    while trail < min(len(old), len(new_lines)) - lead and old[-1 - trail] == new_lines[-1 - trail]:
        trail += 1
    start = at + lead                     # first changed line (0-based)
    removed = old[lead:len(old) - trail]
    added = new_lines[lead:len(new_lines) - trail]
    before = lines[max(0, start - 3):start]
    end = start + len(removed)
    after = lines[end:end + 3]
    body = [" " + l for l in before] + ["-" + l for l in removed] + ["+" + l for l in added] + [" " + l for l in after]
    first = start - len(before) + 1
    return [{"oldStart": first, "oldLines": len(before) + len(removed) + len(after),
             "newStart": first, "newLines": len(before) + len(added) + len(after), "lines": body}]


def git_tree_id(files):
    """The git tree id of {path: text}, computed as git does (blobs 100644, trees 40000)."""
    def blob(data):
        return hashlib.sha1(b"blob %d\0" % len(data) + data).digest()

    def tree(node):
        entries = []
        for name, value in node.items():
            if isinstance(value, dict):
                entries.append((name + "/", b"40000 " + name.encode() + b"\0" + tree(value)))
            else:
                entries.append((name, b"100644 " + name.encode() + b"\0" + blob(value.encode())))
        body = b"".join(e for _, e in sorted(entries))
        return hashlib.sha1(b"tree %d\0" % len(body) + body).digest()

    root = {}
    for path, text in files.items():
        node = root
        *dirs, name = path.split("/")
        for d in dirs:
            node = node.setdefault(d, {})
        node[name] = text
    return tree(root).hex()


class Log:
    """Writes one Claude Code session log, line by line."""

    def __init__(self, path, session):
        self.f = open(path, "w", encoding="utf-8")
        self.session = session
        self.parent = None
        self.n = 0
        self.size = 0

    def write(self, record):
        line = json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n"
        self.f.write(line)
        self.size += len(line.encode("utf-8"))

    def common(self, n, kind, ms):
        u = uuid(n, kind)
        record = {"parentUuid": self.parent, "isSidechain": False}
        self.parent = u
        return u, record, {"uuid": u, "timestamp": iso(ms), "userType": "external", "entrypoint": "cli", "cwd": ROOT,
                           "sessionId": self.session, "version": VERSION, "gitBranch": "main",
                           "slug": "bench-replay-at-scale"}

    def prompt(self, ms, text):
        _, record, tail = self.common(0, 0, ms)
        record.update({"promptId": uuid(0, 9), "type": "user", "message": {"role": "user", "content": text}})
        record.update(tail)
        self.write(record)

    def call(self, n, ms, name, tool_input, result_text, tool_result, say=None):
        message = f"msg_bench{n:016x}"
        call = f"toolu_bench{n:016x}"
        usage = {"input_tokens": 1 + n % 5, "cache_creation_input_tokens": 120 + n % 400,
                 "cache_read_input_tokens": 20_000 + n % 9000, "output_tokens": 40 + n % 200,
                 "service_tier": "standard"}
        if say:
            _, record, tail = self.common(n, 3, ms)
            record.update({"message": {"model": MODEL, "id": message, "type": "message", "role": "assistant",
                                       "content": [{"type": "text", "text": say}], "stop_reason": None,
                                       "stop_sequence": None, "usage": usage},
                           "requestId": f"req_bench{n:016x}", "type": "assistant"})
            record.update(tail)
            self.write(record)
        assistant, record, tail = self.common(n, 1, ms + 1)
        record.update({"message": {"model": MODEL, "id": message, "type": "message", "role": "assistant",
                                   "content": [{"type": "tool_use", "id": call, "name": name, "input": tool_input,
                                                "caller": {"type": "direct"}}],
                                   "stop_reason": "tool_use", "stop_sequence": None, "usage": usage},
                       "requestId": f"req_bench{n:016x}", "type": "assistant"})
        record.update(tail)
        self.write(record)
        _, record, tail = self.common(n, 2, ms + 40)
        record.update({"promptId": uuid(0, 9), "type": "user",
                       "message": {"role": "user", "content": [{"tool_use_id": call, "type": "tool_result",
                                                                 "content": result_text}]}})
        tail = dict(tail)
        uid = tail.pop("uuid")
        timestamp = tail.pop("timestamp")
        record.update({"uuid": uid, "timestamp": timestamp, "toolUseResult": tool_result,
                       "sourceToolAssistantUUID": assistant})
        record.update(tail)
        self.write(record)

    def read(self, n, ms, path, lines, offset, limit):
        full = path_of_abs(path)
        whole = text_of(lines).split("\n")  # Claude counts the empty string after the last newline
        if offset is None:
            window, start, tool_input = whole, 1, {"file_path": full}
        else:
            window, start = whole[offset - 1:offset - 1 + limit], offset
            tool_input = {"file_path": full, "offset": offset, "limit": limit}
        numbered = "\n".join(f"{start + i}\t{line}" for i, line in enumerate(window))
        self.call(n, ms, "Read", tool_input, numbered,
                  {"type": "text", "file": {"filePath": full, "content": "\n".join(window), "numLines": len(window),
                                            "startLine": start, "totalLines": len(whole)}})

    def edit(self, n, ms, path, lines, at, old_count, new_lines, say):
        full = path_of_abs(path)
        old = "\n".join(lines[at:at + old_count])
        new = "\n".join(new_lines)
        original = text_of(lines)
        patch = hunk(lines, at, old_count, new_lines)
        self.call(n, ms, "Edit", {"replace_all": False, "file_path": full, "old_string": old, "new_string": new},
                  f"The file {full} has been updated successfully.",
                  {"filePath": full, "oldString": old, "newString": new, "originalFile": original,
                   "structuredPatch": patch, "userModified": False, "replaceAll": False}, say=say)
        lines[at:at + old_count] = new_lines

    def close(self):
        self.f.close()


def path_of_abs(path):
    return f"{ROOT}/{path}"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir")
    p.add_argument("--tool-calls", type=int, default=50_000, help="2 Edits for every 3 Reads")
    p.add_argument("--files", type=int, default=2_000)
    p.add_argument("--lines", type=int, default=14, help="lines per file at the start")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--pair", type=int, default=0, metavar="K", help="also write b.jsonl with K differences")
    a = p.parse_args()
    rng = SplitMix(a.seed)
    make = Lines(rng)

    files = {path_of(i): [make.make() for _ in range(a.lines)] for i in range(a.files)}
    repo = os.path.join(a.dir, "repo")
    for path, lines in files.items():
        full = os.path.join(repo, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text_of(lines))
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1", LC_ALL="C", TZ="UTC",
               GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.invalid",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.invalid",
               GIT_AUTHOR_DATE="2026-01-05T08:00:00Z", GIT_COMMITTER_DATE="2026-01-05T08:00:00Z")
    for args in (["init", "-q", "-b", "main", "."], ["add", "-A"], ["commit", "-q", "-m", "Fixture base"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()

    logs = [Log(os.path.join(a.dir, "session.jsonl"), "5e551011-0000-4000-8000-00000000000a")]
    states = [files]
    if a.pair:
        logs.append(Log(os.path.join(a.dir, "b.jsonl"), "5e551011-0000-4000-8000-00000000000b"))
        states.append({path: list(lines) for path, lines in files.items()})
    # Where the differences go: evenly, each of one class in turn.
    classes = ["different-input", "only-in-a", "only-in-b"]
    pattern = ["Read", "Edit", "Read", "Edit", "Read"]
    plants = {}
    if a.pair:
        step = a.tool_calls // (a.pair + 1)
        for i in range(a.pair):
            kind = classes[i % 3]
            at = (i + 1) * step
            while at in plants or pattern[(at - 1) % 5] != ("Edit" if kind == "different-input" else "Read"):
                at += 1
            plants[at] = kind
    planted = dict.fromkeys(classes, 0)

    ms = START * 1000
    for log in logs:
        log.prompt(ms, "Rename the handlers across the service and tidy the logging; keep the tests green.")
    counts = {"Edit": 0, "Read": 0}
    path = path_of(0)
    for n in range(1, a.tool_calls + 1):
        ms += 1000 + rng.below(4000)
        tool = pattern[(n - 1) % 5]
        plant = plants.get(n)
        if tool == "Read":
            # Mostly the file about to be edited (or just edited), sometimes another one.
            if rng.below(3) == 0:
                path = path_of(rng.below(a.files))
            whole = rng.below(8) == 0
            limit = 3 + rng.below(10)
            offset_pick = rng.below(1 << 30)
            for k, (log, state) in enumerate(zip(logs, states)):
                if k == 1 and plant == "only-in-a":
                    continue
                lines = state[path]
                if whole:
                    log.read(n, ms, path, lines, None, None)
                else:
                    total = len(lines) + 1
                    offset = 1 + offset_pick % max(1, total - limit)
                    log.read(n, ms, path, lines, offset, limit)
                if k == 1 and plant == "only-in-b":
                    other = path_of((int(path[-7:-3]) + 1) % a.files)
                    log.read(a.tool_calls + n, ms + 500, other, state[other], None, None)
            if plant in ("only-in-a", "only-in-b"):
                planted[plant] += 1
            counts["Read"] += 1
        else:
            if rng.below(2) == 0:
                path = path_of(rng.below(a.files))
            kind = rng.below(20)
            pick = rng.below(1 << 30)
            fresh = [make.make(), make.make(), make.make()]
            say = "Updating the handler and its logging next." if n % 25 == 4 else None
            for k, (log, state) in enumerate(zip(logs, states)):
                lines = state[path]
                new = fresh
                if k == 1 and plant == "different-input":
                    new = [line + " (b)" for line in fresh]
                if kind < 10 or len(lines) < 8:          # replace one line
                    at = pick % len(lines)
                    log.edit(n, ms, path, lines, at, 1, [new[0]], say)
                elif kind < 14:                          # insert a line after another
                    at = pick % len(lines)
                    log.edit(n, ms, path, lines, at, 1, [lines[at], new[0]], say)
                elif kind < 18:                          # delete a line (anchored on the one before)
                    at = 1 + pick % (len(lines) - 1)
                    keep = lines[at - 1] + (" (b)" if new is not fresh else "")
                    log.edit(n, ms, path, lines, at - 1, 2, [keep], say)
                else:                                    # two lines become three
                    at = pick % (len(lines) - 1)
                    log.edit(n, ms, path, lines, at, 2, new, say)
            if plant == "different-input":
                planted[plant] += 1
            counts["Edit"] += 1
    for log in logs:
        log.close()

    expected = {"tool_calls": a.tool_calls, "edits": counts["Edit"], "reads": counts["Read"], "files": a.files,
                "base_commit": base, "bytes": logs[0].size, "final_tree": git_tree_id({p: text_of(l) for p, l in files.items()})}
    if a.pair:
        expected["pair"] = {"bytes": logs[1].size, "final_tree": git_tree_id({p: text_of(l) for p, l in states[1].items()}),
                            "planted": planted}
    with open(os.path.join(a.dir, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")
    print(json.dumps(expected, sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
