#!/usr/bin/env python3
"""Generates the `bisect` workload: a git repository of F small files in 50 folders, and a
native agentreplay trace of N Claude Code `Write` calls (a model turn every 4 calls), each
rewriting one file of the repository, where call C creates the file `BUG` at the root: the
test `test ! -e BUG` passes before it and fails from it on.

Deterministic: a fixed seed and our own generator (SplitMix64), fixed commit dates and no
user git config, so the same arguments give the same repository and the same trace bytes.

Usage: bench/make_bisect.py DIR [--files F] [--spans N] [--culprit C] [--seed S]
Writes DIR/repo (base commit on `main`) and DIR/trace.ndjson; prints the culprit's call id.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = "/home/bench/project"
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


def git(repo, *args):
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1", LC_ALL="C", TZ="UTC",
               GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.invalid",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.invalid",
               GIT_AUTHOR_DATE="2026-01-01T00:00:00Z", GIT_COMMITTER_DATE="2026-01-01T00:00:00Z")
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def path_of(i):
    return f"src/d{i // 100:02d}/f{i % 100:03d}.txt"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir")
    p.add_argument("--files", type=int, default=5000)
    p.add_argument("--spans", type=int, default=1024)
    p.add_argument("--culprit", type=int, default=700, help="1-based: the call that creates BUG")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = SplitMix(a.seed)

    repo = os.path.join(a.dir, "repo")
    for i in range(a.files):
        path = os.path.join(repo, path_of(i))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("".join(f"line {k} of file {i}: {rng.below(1 << 30)}\n" for k in range(8)))
    git(repo, "init", "-q", "-b", "main", ".")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Bench base")
    base = git(repo, "rev-parse", "HEAD").strip()

    out = [{"agentreplay": "trace", "version": 1, "trace_id": "b15ec7be0c4000000000000000000001",
            "agent": {"name": "claude-code", "version": "bench"}, "repo_root": ROOT,
            "base_commit": base, "source": {"format": "native", "file": "bench.ndjson"}}]
    span = 0
    turn = None
    for n in range(1, a.spans + 1):
        t = f"2026-01-02T{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z"
        if n % 4 == 1:
            span += 1
            turn = f"{span:016x}"
            out.append({"span_id": turn, "kind": "llm", "name": "chat", "start_time": t, "end_time": t, "status": "ok",
                        "attributes": {"gen_ai.operation.name": "chat", "gen_ai.usage.input_tokens": 1000 + n,
                                       "gen_ai.usage.output_tokens": 50},
                        "output": {"text": f"Turn {span}: more edits.", "tool_calls": []}})
        if n == a.culprit:
            path, content = "BUG", "the culprit\n"
        else:
            path = path_of(rng.below(a.files))
            content = "".join(f"edited by call {n}: {rng.below(1 << 30)}\n" for _ in range(8))
        span += 1
        out.append({"span_id": f"{span:016x}", "parent_span_id": turn, "kind": "tool", "name": "Write",
                    "start_time": t, "end_time": t, "status": "ok",
                    "attributes": {"gen_ai.operation.name": "execute_tool", "gen_ai.tool.call.id": f"toolu_bisect_{n:05d}",
                                   "gen_ai.tool.name": "Write"},
                    "input": {"file_path": f"{ROOT}/{path}", "content": content},
                    "output": f"File written: {ROOT}/{path}"})
    with open(os.path.join(a.dir, "trace.ndjson"), "w") as f:
        for o in out:
            f.write(json.dumps(o, separators=(",", ":")) + "\n")
    print(f"toolu_bisect_{a.culprit:05d}")


if __name__ == "__main__":
    sys.exit(main())
