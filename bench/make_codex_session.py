#!/usr/bin/env python3
"""Generates one large Codex CLI rollout (the `index` workload): a session_meta line, a
turn_context, a user prompt, then N tool calls, alternating a shell call (`exec_command`
style `shell` function call with its output and exit code) and an `apply_patch` custom tool
call that updates a file, each after an assistant message and a reasoning item, and followed
by a token_count event, the way Codex 0.1xx writes them. Outputs are a few hundred bytes to a
few KB, so the file is about 2.3 KB per call.

Usage: bench/make_codex_session.py DIR [--tool-calls N] [--seed S]
Writes DIR/rollout.jsonl and DIR/expected.json (tool calls, bytes). Deterministic: our own
generator (SplitMix64), fixed times: the same arguments give the same bytes.
"""
import argparse
import json
import os

p = argparse.ArgumentParser()
p.add_argument("dir")
p.add_argument("--tool-calls", type=int, default=50000)
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()

state = a.seed & 0xFFFFFFFFFFFFFFFF


def rand():
    global state
    state = (state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)


WORDS = "the a function value returns file test check index module error result list map call line path".split()


def words(n):
    return " ".join(WORDS[rand() % len(WORDS)] for _ in range(n))


T0 = 1_748_772_000


def iso(t):
    ms = t % 1000
    s = t // 1000
    import datetime
    return datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + f".{ms:03d}Z"


sid = "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
cwd = "/home/dev/big-project"
path = os.path.join(a.dir, "rollout.jsonl")
t = T0 * 1000
with open(path, "w") as out:
    def rec(kind, payload):
        global t
        out.write(json.dumps({"timestamp": iso(t), "type": kind, "payload": payload}, separators=(",", ":")) + "\n")
        t += 137

    rec("session_meta", {"id": sid, "timestamp": iso(t), "cwd": cwd, "originator": "codex_cli_rs", "cli_version": "0.140.0",
                         "git": {"branch": "main", "commit_hash": "0" * 40}})
    rec("turn_context", {"cwd": cwd, "approval_policy": "on-request", "sandbox_policy": {"mode": "workspace-write"}, "model": "gpt-5"})
    rec("response_item", {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Refactor the index module and keep the tests green."}]})
    total_in = total_out = 0
    for i in range(a.tool_calls):
        rec("response_item", {"type": "reasoning", "summary": [{"type": "summary_text", "text": words(25)}], "encrypted_content": None})
        rec("response_item", {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": words(30)}]})
        call = f"call_{i:07d}"
        if i % 2 == 0:
            command = ["bash", "-lc", f"rg -n '{WORDS[rand() % len(WORDS)]}' src/module_{rand() % 500:03d}.py | head -40"]
            rec("response_item", {"type": "function_call", "name": "shell", "arguments": json.dumps({"command": command, "workdir": cwd}), "call_id": call})
            lines = "\n".join(f"src/module_{rand() % 500:03d}.py:{rand() % 900 + 1}: {words(8)}" for _ in range(12))
            code = 1 if rand() % 10 == 0 else 0
            rec("response_item", {"type": "function_call_output", "call_id": call,
                                  "output": json.dumps({"output": lines, "metadata": {"exit_code": code, "duration_seconds": 0.1}})})
        else:
            f = f"src/module_{rand() % 500:03d}.py"
            old = [words(6) for _ in range(3)]
            new = [words(6) for _ in range(4)]
            patch = "*** Begin Patch\n*** Update File: " + f + "\n@@ def f():\n" + "".join(f" {w}\n" for w in old[:1]) + \
                "".join(f"-{w}\n" for w in old[1:]) + "".join(f"+{w}\n" for w in new) + "*** End Patch\n"
            rec("response_item", {"type": "custom_tool_call", "status": "completed", "call_id": call, "name": "apply_patch", "input": patch})
            rec("response_item", {"type": "custom_tool_call_output", "call_id": call,
                                  "output": json.dumps({"output": f"Success. Updated the following files:\nM {f}\n", "metadata": {"exit_code": 0, "duration_seconds": 0.0}})})
        total_in += 12000
        total_out += 300
        rec("event_msg", {"type": "token_count", "info": {"total_token_usage": {"input_tokens": total_in, "cached_input_tokens": total_in // 2, "output_tokens": total_out, "reasoning_output_tokens": total_out // 3, "total_tokens": total_in + total_out},
                                                          "last_token_usage": {"input_tokens": 12000, "cached_input_tokens": 6000, "output_tokens": 300, "reasoning_output_tokens": 100, "total_tokens": 12300}}})
size = os.path.getsize(path)
with open(os.path.join(a.dir, "expected.json"), "w") as fh:
    json.dump({"tool_calls": a.tool_calls, "bytes": size}, fh)
print("bytes", size)
