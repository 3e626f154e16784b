#!/usr/bin/env python3
"""Generates a home folder full of agent session logs for the `sessions` workload.

Usage: make_sessions.py DIR --sessions N --projects P --seed S

Writes DIR/home/.claude/projects/<folder>/<uuid>.jsonl (80% of the sessions, Claude Code
2.1 JSONL: a prompt, then Read/Edit/Bash calls with their results, one model turn each),
DIR/home/.codex/sessions/YYYY/MM/DD/rollout-…-<uuid>.jsonl (15%, Codex rollouts with
session_meta, turns, function calls and token counts) and DIR/home/.gemini/tmp/<project>/
chats/session-….json (5%, Gemini CLI with a .project_root marker), spread over P project
directories (/home/dev/project-NNN), times fixed by the seed. Prints the number of sessions
per project directory of the first project as `first-project N` and the total.
Deterministic: the same arguments give the same bytes.
"""
import argparse
import json
import os
import random

p = argparse.ArgumentParser()
p.add_argument("dir")
p.add_argument("--sessions", type=int, default=10000)
p.add_argument("--projects", type=int, default=50)
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()
rng = random.Random(a.seed)
home = os.path.join(a.dir, "home")
T0 = 1_748_772_000  # 2025-06-01T10:00:00Z


def iso(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def uuid():
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def line(obj):
    return json.dumps(obj, separators=(",", ":"), sort_keys=True) + "\n"


def claude(path, sid, cwd, start, calls):
    out, parent, t = [], None, start
    def rec(kind, message, extra=None):
        nonlocal parent, t
        u = uuid()
        r = {"type": kind, "sessionId": sid, "cwd": cwd, "version": "2.1.100", "uuid": u, "parentUuid": parent,
             "isSidechain": False, "timestamp": iso(t), "message": message}
        r.update(extra or {})
        out.append(line(r))
        parent, t = u, t + 1
    rec("user", {"role": "user", "content": f"task {sid[:8]}: change the code in {cwd}"})
    for i in range(calls):
        call = f"toolu_{sid[:8]}{i:04d}"
        f = f"{cwd}/src/m{rng.randrange(40)}.py"
        kind = rng.choice(["Read", "Edit", "Bash"])
        inp = {"file_path": f} if kind == "Read" else {"file_path": f, "old_string": "a = 1", "new_string": "a = 2"} if kind == "Edit" else {"command": "pytest -q"}
        rec("assistant", {"role": "assistant", "model": "claude-sonnet-4-5", "id": f"msg_{call}",
                          "content": [{"type": "tool_use", "id": call, "name": kind, "input": inp}],
                          "usage": {"input_tokens": 10, "output_tokens": 50, "cache_read_input_tokens": 2000}})
        rec("user", {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call, "content": "ok\n" * 20}]})
    with open(path, "w") as fh:
        fh.writelines(out)


def codex(path, sid, cwd, start, calls):
    out, t = [], start
    def rec(kind, payload):
        nonlocal t
        out.append(line({"timestamp": iso(t), "type": kind, "payload": payload}))
        t += 1
    rec("session_meta", {"id": sid, "timestamp": iso(start), "cwd": cwd, "originator": "codex_cli_rs", "cli_version": "0.140.0"})
    rec("turn_context", {"cwd": cwd, "approval_policy": "never", "model": "gpt-5"})
    rec("response_item", {"type": "message", "role": "user", "content": [{"type": "input_text", "text": f"task {sid[:8]}"}]})
    for i in range(calls):
        call = f"call_{i:06d}"
        rec("response_item", {"type": "function_call", "name": "shell", "arguments": json.dumps({"command": ["bash", "-lc", "ls"]}), "call_id": call})
        rec("response_item", {"type": "function_call_output", "call_id": call, "output": json.dumps({"output": "a\nb\n", "metadata": {"exit_code": 0}})})
        rec("event_msg", {"type": "token_count", "info": {"total_token_usage": {"input_tokens": 1000 * (i + 1), "cached_input_tokens": 400 * (i + 1), "output_tokens": 50 * (i + 1)},
                                                           "last_token_usage": {"input_tokens": 1000, "cached_input_tokens": 400, "output_tokens": 50}}})
    with open(path, "w") as fh:
        fh.writelines(out)


def gemini(path, sid, start, calls):
    messages = [{"id": uuid(), "timestamp": iso(start), "type": "user", "content": [{"text": f"task {sid[:8]}"}]}]
    for i in range(calls):
        messages.append({"id": uuid(), "timestamp": iso(start + i + 1), "type": "gemini", "content": "Looking.", "model": "gemini-2.5-pro",
                         "tokens": {"input": 100, "output": 10, "cached": 0, "thoughts": 5, "tool": 0, "total": 115}})
    with open(path, "w") as fh:
        json.dump({"sessionId": sid, "projectHash": "0" * 64, "startTime": iso(start), "lastUpdated": iso(start + calls), "messages": messages}, fh, indent=2)


counts = {}
for n in range(a.sessions):
    project = f"/home/dev/project-{n % a.projects:03d}"
    counts[project] = counts.get(project, 0) + 1
    sid = uuid()
    start = T0 + n * 600
    calls = rng.randrange(3, 12)
    r = n % 20
    if r < 16:
        folder = os.path.join(home, ".claude", "projects", "".join(c if c.isalnum() else "-" for c in project))
        os.makedirs(folder, exist_ok=True)
        claude(os.path.join(folder, sid + ".jsonl"), sid, project, start, calls)
    elif r < 19:
        day = iso(start)[:10].split("-")
        folder = os.path.join(home, ".codex", "sessions", *day)
        os.makedirs(folder, exist_ok=True)
        codex(os.path.join(folder, f"rollout-{iso(start)[:19].replace(':', '-')}-{sid}.jsonl"), sid, project, start, calls)
    else:
        slug = project.rsplit("/", 1)[1]
        folder = os.path.join(home, ".gemini", "tmp", slug)
        os.makedirs(os.path.join(folder, "chats"), exist_ok=True)
        with open(os.path.join(folder, ".project_root"), "w") as fh:
            fh.write(project)
        gemini(os.path.join(folder, "chats", f"session-{iso(start)[:16].replace(':', '-')}-{sid[:8]}.json"), sid, start, calls)
print("first-project", counts.get("/home/dev/project-000", 0))
print("total", a.sessions)
