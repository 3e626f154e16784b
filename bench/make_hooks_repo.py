#!/usr/bin/env python3
"""Generates the `hooks` workload: a git repository of F small files in F/100 folders, with a
.gitignore and ignored files (a build folder), committed on `main`, and the hook inputs Claude
Code would send (its hooks reference): DIR/start.json (SessionStart) and DIR/post.json
(PostToolUse of Bash, `tool_use_id` toolu_bench).

Deterministic: a fixed seed and the bisect generator's SplitMix64, fixed commit dates and no
user git config (its `git`), so the same arguments give the same repository.

Usage: bench/make_hooks_repo.py DIR [--files F] [--seed S]
Writes DIR/repo, DIR/start.json, DIR/post.json.
"""
import argparse
import json
import os

from make_bisect import SplitMix, git  # the same generator and the same git environment

SESSION = "b3e1c0de-0000-4000-8000-000000000001"


def path_of(i):
    return f"src/d{i // 100:03d}/f{i % 100:03d}.txt"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir")
    p.add_argument("--files", type=int, default=10000)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = SplitMix(a.seed)
    repo = os.path.join(a.dir, "repo")
    for i in range(a.files):
        path = os.path.join(repo, path_of(i))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("".join(f"line {k} of file {i}: {rng.below(1 << 30)}\n" for k in range(8)))
    with open(os.path.join(repo, ".gitignore"), "w") as f:
        f.write("build/\n*.log\n")
    git(repo, "init", "-q", "-b", "main", ".")
    git(repo, "add", "-A")
    git(repo, "-c", "gc.auto=0", "commit", "-q", "-m", "Bench base")
    # Packed now, not by a `gc --auto` in the background while the bench copies the repository.
    git(repo, "gc", "-q")
    # Ignored files, as a build leaves them: the hooks must not read them.
    os.makedirs(os.path.join(repo, "build"), exist_ok=True)
    for i in range(200):
        with open(os.path.join(repo, "build", f"o{i:03d}.o"), "w") as f:
            f.write("object\n" * 50)
    common = {"session_id": SESSION, "transcript_path": f"/home/bench/.claude/projects/x/{SESSION}.jsonl",
              "cwd": os.path.abspath(repo), "permission_mode": "default"}
    with open(os.path.join(a.dir, "start.json"), "w") as f:
        json.dump(dict(common, hook_event_name="SessionStart", source="startup"), f)
    with open(os.path.join(a.dir, "post.json"), "w") as f:
        json.dump(dict(common, hook_event_name="PostToolUse", tool_name="Bash", tool_use_id="toolu_bench",
                       tool_input={"command": "make fmt", "description": "Format"},
                       tool_response={"stdout": "", "stderr": "", "interrupted": False, "isImage": False}), f)


if __name__ == "__main__":
    main()
