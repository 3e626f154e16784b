#!/usr/bin/env python3
"""Cuts the session logs under fixtures/ into small seed inputs for the fuzz targets.

Usage: Fuzz/seeds.py OUT_DIR [TARGET...]

Writes OUT_DIR/<target>/<name> for each target (all when none is named). The fixtures are
real logs of up to a megabyte; a fuzzer mutates small inputs far faster, so each log is cut
into pieces that keep its shape: a JSONL log into windows of a few consecutive records (the
first record kept in front, since several formats put the session's metadata there), a
JSON document into copies whose longest list holds a few of its elements; every string is
cut to a few hundred characters. Seeds are derived, never committed (only the handful under
Fuzz/seeds/ are). The output is the same on every run.
"""

import hashlib
import json
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
MAX_SEED = 16 * 1024      # bytes; the fuzzer's -max_len is a little above this
MAX_PER_FILE = 40         # seeds cut from one log
STRING_CUT = 300          # characters kept of a long string

# The logs each target starts from, as globs under fixtures/.
SOURCES = {
    "claude-code": ["claude/*.jsonl", "example/*.jsonl"],
    "codex": ["codex/*.jsonl"],
    "swe-agent": ["swe-agent/*.traj"],
    "openhands": ["openhands/*.json"],
    "gemini": ["gemini/*.json", "gemini/*.jsonl"],
    "agent-strace": ["agent-strace/*/*/events.ndjson"],
    "otlp": ["otlp/*.json", "otlp/*.jsonl"],
}
TARGETS = ["native", "json", "detect", "tool-semantics", "apply-patch", "shell", "shell-match"] + list(SOURCES)


def fixture_files(patterns):
    import glob
    found = []
    for pattern in patterns:
        found += glob.glob(os.path.join(ROOT, "fixtures", pattern))
    return sorted(found)


def cut_strings(value, limit=STRING_CUT):
    if isinstance(value, str):
        return value if len(value) <= limit else value[:limit]
    if isinstance(value, list):
        return [cut_strings(v, limit) for v in value]
    if isinstance(value, dict):
        return {k: cut_strings(v, limit) for k, v in value.items()}
    return value


def cap_lists(value, count):
    """The value with every list cut to its first `count` elements."""
    if isinstance(value, list):
        return [cap_lists(v, count) for v in value[:count]]
    if isinstance(value, dict):
        return {k: cap_lists(v, count) for k, v in value.items()}
    return value


def dump(value, pretty=False):
    if pretty:
        return json.dumps(value, ensure_ascii=False, indent=2).encode()
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def jsonl_seeds(path):
    """Windows of three records, each after the log's first record."""
    records = []
    with open(path, "rb") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                records.append(dump(cut_strings(json.loads(line))))
            except ValueError:
                records.append(line[:MAX_SEED])
    if not records:
        return []
    seeds = [records[0] + b"\n"]
    step = max(3, len(records) // MAX_PER_FILE)
    for start in range(1, len(records), step):
        window = [records[0]] + records[start:start + 3]
        seeds.append(b"\n".join(window) + b"\n")
    return seeds


def longest_list(value, path=()):
    """The path to the longest list in a document (searched a few levels down)."""
    best = (0, None)
    if isinstance(value, list):
        best = (len(value), path)
        items = enumerate(value[:3])
    elif isinstance(value, dict):
        items = value.items()
    else:
        return best
    if len(path) < 5:
        for key, child in items:
            found = longest_list(child, path + (key,))
            if found[0] > best[0]:
                best = found
    return best


def replaced(value, path, new):
    if not path:
        return new
    copy = list(value) if isinstance(value, list) else dict(value)
    copy[path[0]] = replaced(value[path[0]], path[1:], new)
    return copy


def json_seeds(path):
    """Copies of the document whose longest list holds a window of four of its elements."""
    with open(path, "rb") as f:
        document = cut_strings(json.loads(f.read()))
    size, where = longest_list(document)
    if where is None or size <= 4:
        return [dump(document, pretty=True)]
    elements = document
    for key in where:
        elements = elements[key]
    seeds = []
    step = max(4, size // MAX_PER_FILE)
    for start in range(0, size, step):
        window = replaced(document, where, elements[start:start + 4])
        seed = dump(window, pretty=(start // step) % 2 == 0)
        if len(seed) > MAX_SEED:
            # Long lists elsewhere too (a SWE-agent step's message history).
            for count, cut in ((4, 120), (2, 60)):
                seed = dump(cut_strings(cap_lists(window, count), cut))
                if len(seed) <= MAX_SEED:
                    break
        seeds.append(seed)
    return seeds


def log_seeds(path):
    # A JSON document opens with `[` or a `{` that does not close on its first line.
    with open(path, "rb") as f:
        first = b""
        for line in f:
            if line.strip():
                first = line.strip()
                break
    try:
        json.loads(first)
        is_lines = True
    except ValueError:
        is_lines = False
    if is_lines:
        return jsonl_seeds(path)
    return json_seeds(path)


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_in(v)


def patch_seeds():
    """apply_patch patches and unified diffs recorded in the Codex log, each with the
    file they were applied to when a later record shows it (else alone)."""
    seeds = []
    for path in fixture_files(["codex/*.jsonl", "swe-agent/*.traj"]):
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        values = []
        for line in text.splitlines():
            try:
                values.append(json.loads(line))
            except ValueError:
                pass
        if not values:
            try:
                values.append(json.loads(text))
            except ValueError:
                pass
        for value in values:
            for s in strings_in(value):
                if "*** Begin Patch" in s or re.search(r"^@@ -\d", s, re.M):
                    seeds.append(s.encode()[:MAX_SEED])
                # Codex's exec arguments carry the patch inside a JSON string.
                if s.startswith("{") and "Begin Patch" in s:
                    try:
                        for inner in strings_in(json.loads(s)):
                            if "*** Begin Patch" in inner:
                                seeds.append(inner.encode()[:MAX_SEED])
                    except ValueError:
                        pass
    sample = b"def add(a, b):\n    return a + b\n"
    seeds.append(b"*** Begin Patch\n*** Update File: calc.py\n@@ def add(a, b):\n-    return a + b\n+    return b + a\n*** End Patch\x00" + sample)
    seeds.append(b"@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a + b\n+    return b + a\n\x00" + sample)
    return seeds


def seeds_for(target):
    if target == "native":
        directory = os.path.join(ROOT, "Fuzz", "seeds", "native")
        out = []
        for name in sorted(os.listdir(directory)):
            with open(os.path.join(directory, name), "rb") as f:
                out.append(f.read())
        return out
    if target == "apply-patch":
        return patch_seeds()
    if target == "tool-semantics":
        # file, old string, new string, a count: each editor's ordinary calls, a notebook, a
        # structuredPatch, an OpenCode patch and the views the editors print.
        notebook = b'{"cells":[{"id":"c1","cell_type":"code","source":"x = 1","outputs":[]}],"nbformat":4}'
        return [b"alpha\nbeta\ngamma\n\x00beta\x00BETA\x001",
                b"one\r\ntwo\r\n\x00two\x00TWO\x001",
                b"\tdef f():\n\t\treturn 1\n\x00        return 1\x00        return 2\x002",
                b"a a a\n\x00a\x00bb\x003",
                notebook + b'\x00{"cell_id":"c1","new_source":"y = 2","edit_mode":"replace"}\x00\x000',
                b"a\nb\nc\n\x00" + b'[{"oldStart":2,"oldLines":1,"newStart":2,"newLines":1,"lines":["-b","+B"]}]' + b"\x00src/a.py\x001",
                b"x = 1\n\x00*** Begin Patch\n*** Update File: f\n@@\n-x = 1\n+x = 2\n*** End Patch\x00/r/f\x001",
                b"a\nb\n\x002:2\x00Here's the result of running `cat -n` on /r/f:\n     1\ta\n     2\tb\n\x001",
                b"a\nb\n\x001:1\x00[File: /r/f (2 lines total)]\n1:a\n2:b\n\x001"]
    if target == "shell":
        # command line, then the working directory: the commands the model follows, and some
        # it must call unknown.
        return [b"rm -f a.txt && mv b.txt c.txt", b"mkdir -p d/e && cp -r src d/e/ && touch d/new\x00/r",
                b"sed -i 's/alpha/ALPHA/g' a.txt", b"cat > f.txt <<'EOF'\nhello\nEOF\n",
                b"printf '%s\\n' one two | tee -a a.txt >/dev/null", b"cd src && rm -r lib\x00src",
                b"echo x > ../outside.txt\x00/r/src", b"chmod +x b.txt; ln -s a.txt l", b"python3 gen.py > out.txt",
                b"for f in *.txt; do echo $f; done", b"echo hi > .git/config", b"rm link vendor/x"]
    if target == "shell-match":
        # regex, line, glob, name: the shapes sed scripts and globs in the fixtures take.
        return [b"a*b\x00aaab\x00*.py\x00ops.py", b"^ *#.*$\x00  # note\x00[!_]*\x00_init",
                b"[[:space:]]*$\x00x \t\x00?a[b-d]\\*\x00xac*", b"\\(a\\)\x00a\x00**\x00.hidden"]
    if target == "detect":
        out = seeds_for("native")
        for other in SOURCES:
            out += seeds_for(other)[:8]
        return out
    if target == "json":
        out = []
        for other in SOURCES:
            for seed in seeds_for(other)[:6]:
                out += [line for line in seed.split(b"\n") if line.strip()][:2]
        return out
    out = []
    for path in fixture_files(SOURCES[target]):
        out += log_seeds(path)[:MAX_PER_FILE]
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    targets = sys.argv[2:] or TARGETS
    for target in targets:
        if target not in TARGETS:
            sys.exit(f"seeds: no target {target!r} (targets: {', '.join(TARGETS)})")
        directory = os.path.join(out_dir, target)
        os.makedirs(directory, exist_ok=True)
        for old in os.listdir(directory):
            os.remove(os.path.join(directory, old))
        kept = 0
        for seed in seeds_for(target):
            if len(seed) > MAX_SEED:
                continue
            name = hashlib.sha1(seed).hexdigest()
            with open(os.path.join(directory, name), "wb") as f:
                f.write(seed)
            kept += 1
        print(f"seeds: {target}: {kept}", file=sys.stderr)


if __name__ == "__main__":
    main()
