#!/usr/bin/env python3
"""The baseline of the `replay` workload: the straightforward replay of a Claude Code session
a user would write instead of agentreplay, in Python with pygit2 (libgit2's bindings).

Reads the JSONL log line by line; keeps each tool call's input until its result comes; for
every Edit whose result is not an error, takes the file (from the previous edit, else from the
base commit's tree), checks it against the recorded `originalFile`, replaces `old_string` by
`new_string` (once, or every occurrence with `replace_all`), and makes one commit: a blob, the
tree from an in-memory index, a commit whose parent is the previous one and whose time is the
result's. At the end it points `refs/baseline/last` at the last commit and prints the final
tree id, the number of commits and how many before-images differed.

Usage: replay_pygit2.py LOG REPO
"""
import datetime
import json
import sys

import pygit2


def main():
    log, path = sys.argv[1], sys.argv[2]
    repo = pygit2.Repository(path)
    head = repo.head.peel(pygit2.Commit)
    index = pygit2.Index()
    index.read_tree(head.tree)
    parent = head.id
    tree = head.tree.id
    root = None
    calls = {}
    files = {}
    commits = drift = 0
    with open(log, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if root is None and record.get("cwd"):
                root = record["cwd"].rstrip("/") + "/"
            message = record.get("message")
            if not isinstance(message, dict) or not isinstance(message.get("content"), list):
                continue
            for block in message["content"]:
                if block.get("type") == "tool_use":
                    calls[block["id"]] = block
                elif block.get("type") == "tool_result":
                    call = calls.pop(block["tool_use_id"], None)
                    if call is None or call["name"] != "Edit" or block.get("is_error"):
                        continue
                    edit = call["input"]
                    name = edit["file_path"][len(root):]
                    text = files.get(name)
                    if text is None:
                        text = repo[index[name].id].data.decode("utf-8")
                    original = (record.get("toolUseResult") or {}).get("originalFile")
                    if original is not None and original != text:
                        drift += 1
                    old, new = edit["old_string"], edit["new_string"]
                    if edit.get("replace_all"):
                        text = text.replace(old, new)
                    elif text.count(old) == 1:
                        text = text.replace(old, new, 1)
                    else:
                        raise SystemExit(f"{log}: Edit {call['id']}: old_string found {text.count(old)} times")
                    files[name] = text
                    blob = repo.create_blob(text.encode("utf-8"))
                    index.add(pygit2.IndexEntry(name, blob, pygit2.GIT_FILEMODE_BLOB))
                    tree = index.write_tree(repo)
                    when = datetime.datetime.fromisoformat(record["timestamp"].replace("Z", "+00:00"))
                    who = pygit2.Signature("claude-code", "claude-code@baseline.invalid", int(when.timestamp()), 0)
                    parent = repo.create_commit(None, who, who, f"Edit {name}\n", tree, [parent])
                    commits += 1
    repo.references.create("refs/baseline/last", parent, force=True)
    print(json.dumps({"final_tree": str(tree), "commits": commits, "drift": drift}))


if __name__ == "__main__":
    main()
