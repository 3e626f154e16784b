#!/usr/bin/env python3
"""Generates the `blame` workload: a git repository holding one Python-like file and a native
agentreplay trace of N Claude Code `Edit` calls on that file (plus a model turn every few
calls), each of which replaces, inserts or deletes a few lines.

Deterministic: a fixed seed and our own generator (SplitMix64, not Python's `random`, whose
algorithms may change between versions), fixed commit dates and no user git config, so the
same arguments give the same repository commit ids and the same trace bytes on any machine.

Usage: bench/make_edits.py DIR [--edits N] [--lines L] [--seed S]
Writes DIR/repo (the repository, base commit on `main`) and DIR/trace.ndjson, and prints the
path blamed (`src/engine.py`) and the final line count.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = "/home/bench/project"
PATH = "src/engine.py"
MASK = (1 << 64) - 1


class SplitMix:
    def __init__(self, seed):
        self.state = seed & MASK

    def below(self, n):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        return z % n


WORDS = ["parse", "render", "index", "merge", "flush", "score", "route", "cache", "split", "emit"]


def line(n, rng):
    # Unique per n (the id appears with its indentation), so every old_string is unique.
    word = WORDS[rng.below(len(WORDS))]
    return f"    value_{n} = {word}(state, {n % 97})  # step {n}\n"


def git(repo, *args):
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1", LC_ALL="C", TZ="UTC",
               GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.invalid",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.invalid",
               GIT_AUTHOR_DATE="2026-01-01T00:00:00Z", GIT_COMMITTER_DATE="2026-01-01T00:00:00Z")
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def timestamp(seconds):
    # 2026-01-02T00:00:00Z plus `seconds`.
    day, rest = divmod(seconds, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    return f"2026-01-{2 + day:02d}T{h:02d}:{m:02d}:{s:02d}Z"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir")
    p.add_argument("--edits", type=int, default=5000)
    p.add_argument("--lines", type=int, default=300, help="lines of the file at the base")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    rng = SplitMix(a.seed)
    counter = 0

    def fresh():
        nonlocal counter
        counter += 1
        return line(counter, rng)

    lines = ["\"\"\"The bench workload's engine.\"\"\"\n", "\n", "def run(state):\n"]
    lines += [fresh() for _ in range(a.lines - 4)]
    lines.append("    return state\n")

    repo = os.path.join(a.dir, "repo")
    os.makedirs(os.path.join(repo, "src"), exist_ok=True)
    with open(os.path.join(repo, PATH), "w") as f:
        f.write("".join(lines))
    git(repo, "init", "-q", "-b", "main", ".")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Bench base")
    base = git(repo, "rev-parse", "HEAD").strip()

    out = []
    header = {"agentreplay": "trace", "version": 1, "trace_id": "be0c4000000000000000000000000001",
              "agent": {"name": "claude-code", "version": "bench"}, "repo_root": ROOT,
              "base_commit": base, "source": {"format": "native", "file": "bench.ndjson"}}
    out.append(header)
    span = 0
    turn = None
    body = range(3, len(lines) - 1)  # never touch the first three lines or the return
    for i in range(a.edits):
        t = timestamp(i * 2)
        if i % 8 == 0:
            span += 1
            turn = f"{span:016x}"
            out.append({"span_id": turn, "kind": "llm", "name": "chat", "start_time": t, "end_time": t,
                        "status": "ok", "attributes": {"gen_ai.operation.name": "chat"}})
        first, last = 3, len(lines) - 1  # editable lines: [first, last)
        n = last - first
        kind = rng.below(4)
        at = first + rng.below(n)
        if kind < 2 and n > 2:  # replace 1-3 lines with 1-3 new ones
            k = min(1 + rng.below(3), last - at)
            new = [fresh() for _ in range(1 + rng.below(3))]
            old_s, new_s = "".join(lines[at:at + k]), "".join(new)
            lines[at:at + k] = new
        elif kind == 2 or n <= 2:  # insert 1-3 lines after line `at`
            new = [fresh() for _ in range(1 + rng.below(3))]
            old_s, new_s = lines[at], lines[at] + "".join(new)
            lines[at + 1:at + 1] = new
        else:  # delete 1-2 lines
            k = min(1 + rng.below(2), last - at)
            old_s, new_s = "".join(lines[at:at + k]), ""
            del lines[at:at + k]
        span += 1
        out.append({"span_id": f"{span:016x}", "parent_span_id": turn, "kind": "tool", "name": "Edit",
                    "start_time": t, "end_time": t, "status": "ok",
                    "attributes": {"gen_ai.operation.name": "execute_tool", "gen_ai.tool.call.id": f"toolu_bench_{i:05d}",
                                   "gen_ai.tool.name": "Edit"},
                    "input": {"file_path": f"{ROOT}/{PATH}", "old_string": old_s, "new_string": new_s},
                    "output": "The file has been updated."})
    with open(os.path.join(a.dir, "trace.ndjson"), "w") as f:
        for o in out:
            f.write(json.dumps(o, separators=(",", ":"), ensure_ascii=False) + "\n")
    with open(os.path.join(a.dir, "expected.txt"), "w") as f:
        f.write("".join(lines))
    print(PATH, len(lines))


if __name__ == "__main__":
    sys.exit(main())
