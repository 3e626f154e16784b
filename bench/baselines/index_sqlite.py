#!/usr/bin/env python3
"""The baseline of the `index` workload: what a user would write to put session logs in
SQLite — Python's standard `json` module line by line into `sqlite3`, one transaction per
file: a session row, a row per model turn (tokens), a row per tool call (tool, input, status,
log line) with results matched by call id, and a row per shell command. Claude Code and Codex
JSONL. No cost, no audit, no search text, no incremental reading.

Usage: bench/baselines/index_sqlite.py STORE LOG...
"""
import json
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
db.executescript("""
CREATE TABLE IF NOT EXISTS sessions (id INTEGER PRIMARY KEY, file TEXT UNIQUE, session_id TEXT, agent TEXT, cwd TEXT,
  start_time TEXT, end_time TEXT, input_tokens INTEGER, output_tokens INTEGER);
CREATE TABLE IF NOT EXISTS turns (session INTEGER, line INTEGER, model TEXT, input_tokens INTEGER, output_tokens INTEGER);
CREATE TABLE IF NOT EXISTS tool_calls (session INTEGER, call_id TEXT, tool TEXT, input TEXT, status TEXT, line INTEGER);
CREATE TABLE IF NOT EXISTS commands (session INTEGER, call_id TEXT, command TEXT);
""")

for path in sys.argv[2:]:
    with db:
        cur = db.execute("INSERT INTO sessions (file) VALUES (?)", (path,))
        sid = cur.lastrowid
        agent = session_id = cwd = first = last = None
        tin = tout = 0
        calls = {}
        with open(path, "rb") as f:
            for n, raw in enumerate(f, 1):
                try:
                    d = json.loads(raw)
                except ValueError:
                    continue
                ts = d.get("timestamp")
                if ts:
                    first = first or ts
                    last = ts
                if "payload" in d:  # Codex
                    agent = "codex"
                    p = d["payload"]
                    kind = d.get("type")
                    if kind == "session_meta":
                        session_id, cwd = p.get("id"), p.get("cwd")
                    elif kind == "response_item":
                        t = p.get("type")
                        if t in ("function_call", "custom_tool_call"):
                            args = p.get("arguments") or p.get("input") or ""
                            calls[p["call_id"]] = [sid, p["call_id"], p.get("name"), args[:200], "unset", n]
                            if p.get("name") == "shell":
                                cmd = json.loads(args).get("command")
                                db.execute("INSERT INTO commands VALUES (?,?,?)", (sid, p["call_id"], " ".join(cmd) if isinstance(cmd, list) else cmd))
                        elif t in ("function_call_output", "custom_tool_call_output"):
                            c = calls.get(p.get("call_id"))
                            if c:
                                out = p.get("output")
                                try:
                                    code = json.loads(out).get("metadata", {}).get("exit_code", 0)
                                except (ValueError, AttributeError):
                                    code = 0
                                c[4] = "ok" if code == 0 else "error"
                    elif kind == "event_msg" and p.get("type") == "token_count":
                        u = (p.get("info") or {}).get("last_token_usage") or {}
                        tin += u.get("input_tokens", 0)
                        tout += u.get("output_tokens", 0)
                        db.execute("INSERT INTO turns VALUES (?,?,?,?,?)", (sid, n, None, u.get("input_tokens", 0), u.get("output_tokens", 0)))
                else:  # Claude Code
                    agent = "claude-code"
                    session_id = session_id or d.get("sessionId")
                    cwd = cwd or d.get("cwd")
                    m = d.get("message") or {}
                    content = m.get("content")
                    if d.get("type") == "assistant":
                        u = m.get("usage") or {}
                        tin += u.get("input_tokens", 0)
                        tout += u.get("output_tokens", 0)
                        db.execute("INSERT INTO turns VALUES (?,?,?,?,?)", (sid, n, m.get("model"), u.get("input_tokens", 0), u.get("output_tokens", 0)))
                    if isinstance(content, list):
                        for b in content:
                            if b.get("type") == "tool_use":
                                inp = b.get("input") or {}
                                calls[b["id"]] = [sid, b["id"], b.get("name"), json.dumps(inp)[:200], "unset", n]
                                if b.get("name") == "Bash":
                                    db.execute("INSERT INTO commands VALUES (?,?,?)", (sid, b["id"], inp.get("command")))
                            elif b.get("type") == "tool_result":
                                c = calls.get(b.get("tool_use_id"))
                                if c:
                                    c[4] = "error" if b.get("is_error") else "ok"
        db.executemany("INSERT INTO tool_calls VALUES (?,?,?,?,?,?)", calls.values())
        db.execute("UPDATE sessions SET session_id=?, agent=?, cwd=?, start_time=?, end_time=?, input_tokens=?, output_tokens=? WHERE id=?",
                   (session_id, agent, cwd, first, last, tin, tout, sid))
db.close()
