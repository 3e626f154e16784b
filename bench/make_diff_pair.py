#!/usr/bin/env python3
"""Generates the `diff` benchmark's inputs: a fixture repository and two native traces of the
same task that differ in a few hundred places.

Usage: make_diff_pair.py DIR [--spans N] [--differences K] [--files F] [--seed S]

DIR/repo is a git repository of F files of 20 unique lines each. DIR/a.ndjson has N spans in
blocks of ten (five model turns; Read, Bash, Grep, Edit and Read calls, the Edit replacing
one line nobody touches again). DIR/b.ndjson is A with K changes spread evenly: an Edit with
other new text (different input), a Bash with another output (different output), a span
dropped (only in A), a Bash added (only in B). DIR/expected.json counts each class. The same
arguments always give the same bytes.
"""
import argparse
import json
import os
import random
import subprocess

ROOT = "/work/bench"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--spans", type=int, default=100_000)
    p.add_argument("--differences", type=int, default=300)
    p.add_argument("--files", type=int, default=2_000)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)
    repo = os.path.join(a.dir, "repo")
    files = {f"src/mod{i // 100:02d}/file{i:04d}.py": [f"value_{i}_{k} = {k}" for k in range(20)] for i in range(a.files)}
    for path, lines in files.items():
        full = os.path.join(repo, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write("\n".join(lines) + "\n")
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_DATE="2025-01-01T00:00:00Z", GIT_COMMITTER_DATE="2025-01-01T00:00:00Z")
    git = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.invalid", "-C", repo]
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True, env=env)
    subprocess.run(git + ["add", "-A"], check=True, env=env)
    subprocess.run(git + ["commit", "-q", "-m", "base"], check=True, env=env)

    # Lines not yet edited, so every Edit finds its old_string exactly once.
    fresh = [(path, k) for path in files for k in range(20)]
    rng.shuffle(fresh)
    spans = []
    n = 0
    time = 1_735_689_600
    while len(spans) < a.spans:
        block = n
        n += 1
        for j, tool in enumerate(["Read", "Bash", "Grep", "Edit", "Read"]):
            turn = f"{block:08x}{j:08x}"
            time += 1
            spans.append(span(turn, None, "llm", f"chat model", time, attrs={
                "gen_ai.operation.name": "chat", "gen_ai.request.model": "model",
                "gen_ai.usage.input_tokens": 100 + j, "gen_ai.usage.output_tokens": 20 + j}))
            path, k = fresh[block % len(fresh)]
            call = f"call_{block}_{j}"
            if tool == "Edit":
                old = files[path][k]
                inp = {"file_path": f"{ROOT}/{path}", "old_string": old, "new_string": old + "  # edited"}
                out = f"The file {ROOT}/{path} has been updated."
            elif tool == "Bash":
                inp = {"command": f"python -m pytest -q tests/test_{block % 50}.py"}
                out = "1 passed"
            elif tool == "Grep":
                inp = {"pattern": f"value_{block}", "path": ROOT}
                out = f"{ROOT}/{path}"
            else:
                inp = {"file_path": f"{ROOT}/{path}"}
                out = "(content not recorded)"
            time += 1
            spans.append(span(f"{block:08x}{j + 8:08x}", turn, "tool", tool, time, call=call, input=inp, output=out))
    spans = spans[:a.spans]
    b = [dict(s) for s in spans]
    # K changes, spread evenly, each of one class in turn.
    classes = ["different-input", "different-output", "only-in-a", "only-in-b"]
    counts = dict.fromkeys(classes, 0)
    step = len(spans) // (a.differences + 1)
    removed, inserted = set(), {}
    for i in range(a.differences):
        kind = classes[i % 4]
        at = (i + 1) * step
        # Find the nearest tool span of the kind this class needs.
        want = {"different-input": "Edit", "different-output": "Bash"}.get(kind, "Bash")
        while spans[at]["kind"] != "tool" or spans[at]["name"] != want:
            at += 1
        if kind == "different-input":
            s = dict(b[at])
            s["input"] = dict(s["input"], new_string=s["input"]["old_string"] + "  # edited differently")
            b[at] = s
        elif kind == "different-output":
            b[at] = dict(b[at], output="1 failed")
        elif kind == "only-in-a":
            removed.add(at)
        else:
            extra = span(f"ffff{i:012x}", b[at]["parent_span_id"], "tool", "Bash", 0, call=f"call_extra_{i}",
                         input={"command": f"ls extra_{i}"}, output="")
            extra["start_time"] = extra["end_time"] = b[at]["start_time"]
            inserted[at] = extra
        counts[kind] += 1
    b_spans = []
    for i, s in enumerate(b):
        if i in inserted:
            b_spans.append(inserted[i])
        if i not in removed:
            b_spans.append(s)
    write(os.path.join(a.dir, "a.ndjson"), "a" * 32, spans)
    write(os.path.join(a.dir, "b.ndjson"), "b" * 32, b_spans)
    with open(os.path.join(a.dir, "expected.json"), "w") as f:
        json.dump(counts, f, sort_keys=True)
        f.write("\n")


def span(sid, parent, kind, name, t, call=None, input=None, output=None, attrs=None):
    stamp = iso(t)
    s = {"span_id": sid}
    if parent:
        s["parent_span_id"] = parent
    s.update({"kind": kind, "name": name, "start_time": stamp, "end_time": stamp, "status": "ok"})
    attributes = dict(attrs or {})
    if kind == "tool":
        attributes.update({"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": name, "gen_ai.tool.call.id": call})
    s["attributes"] = dict(sorted(attributes.items()))
    if input is not None:
        s["input"] = input
    if output is not None:
        s["output"] = output
    return s


def iso(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def write(path, trace_id, spans):
    header = {"agentreplay": "trace", "version": 1, "trace_id": trace_id,
              "agent": {"name": "claude-code", "version": "bench"}, "repo_root": ROOT,
              "source": {"format": "native", "file": os.path.basename(path)}}
    with open(path, "w") as f:
        for record in [header, *spans]:
            f.write(json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
