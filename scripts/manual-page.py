#!/usr/bin/env python3
"""Finishes the page swift-argument-parser's generate-manual plugin writes (scripts/generate-manual).

The plugin (1.8) has no option for either of the two things it gets wrong:
- its `.Os` line names no version: it becomes `.Os NAME VERSION` (the footer man shows);
- it lists every subcommand in the dump, hidden ones too (`shouldDisplay: false`, and the
  argument parser's own `help`, which `--help` never lists): their items are taken out.

Usage: manual-page.py PAGE DUMP NAME VERSION > FINISHED
  PAGE     the plugin's page (mdoc)
  DUMP     the tool's `--experimental-dump-help` (JSON)
  NAME     the tool's name, VERSION what its `--version` prints

It changes nothing else, and fails (exit 1, saying what) when the page is not as the plugin
writes it: no single bare `.Os` line, or a hidden command whose item it cannot find exactly once.
"""

import json
import sys

# The `help` subcommand the argument parser adds by itself: its dump says `shouldDisplay: true`,
# but `--help` never lists it.
BUILT_IN_HELP = ("help", "Show subcommand help information.")


def hidden_paths(command, path=()):
    """The paths (subcommand names from the root) of the commands `--help` does not list."""
    out = []
    for sub in command.get("subcommands") or []:
        sub_path = path + (sub["commandName"],)
        built_in_help = (sub["commandName"], sub.get("abstract")) == BUILT_IN_HELP and not sub.get("subcommands")
        if sub.get("shouldDisplay", True) is False or built_in_help:
            out.append(sub_path)
        else:
            out.extend(hidden_paths(sub, sub_path))
    return out


def label(command):
    """The text after `.It Em` that the plugin writes for a subcommand (its name, then aliases)."""
    return ", ".join([command["commandName"]] + (command.get("aliases") or []))


def finish(page, dump, name, version):
    lines = page.split("\n")
    os_lines = [i for i, line in enumerate(lines) if line == ".Os"]
    if len(os_lines) != 1:
        raise ValueError(f"expected one bare .Os line in the page, found {len(os_lines)}")
    lines[os_lines[0]] = f".Os {name} {version}"

    # Each hidden command's item label path, as the page nests it.
    root = dump["command"]
    hidden = {}
    for path in hidden_paths(root):
        command, labels = root, []
        for part in path:
            command = next(c for c in command["subcommands"] if c["commandName"] == part)
            labels.append(label(command))
        hidden[tuple(labels)] = path

    out, found = [], {key: 0 for key in hidden}
    items = []  # items[d]: the label of the `.It Em` item open in the list at depth d+1, or None
    skip_depth = None  # while dropping a hidden item: the depth of its list
    for line in lines:
        depth_before = len(items)
        if line.startswith(".Bl "):
            items.append(None)
        elif line == ".El":
            if not items:
                raise ValueError("an .El with no list open")
            items.pop()
        elif line.startswith(".It ") and items:
            items[-1] = line[len(".It Em "):] if line.startswith(".It Em ") else None
        if skip_depth is not None:
            ends = (line.startswith(".It ") and depth_before == skip_depth) or (line == ".El" and depth_before == skip_depth)
            if not ends:
                continue
            skip_depth = None
        if line.startswith(".It Em ") and items:
            path = tuple(items)
            if path in hidden:
                found[path] += 1
                skip_depth = len(items)
                continue
        out.append(line)
    if items:
        raise ValueError("a list is not closed (.Bl without .El)")
    for key, count in found.items():
        if count != 1:
            raise ValueError(f"the item of hidden command {' '.join(hidden[key])} occurs {count} times in the page, not once")
    return "\n".join(out)


def main(argv):
    if len(argv) != 5:
        print("usage: manual-page.py PAGE DUMP NAME VERSION", file=sys.stderr)
        return 2
    with open(argv[1], encoding="ascii") as f:
        page = f.read()
    with open(argv[2], encoding="utf-8") as f:
        dump = json.load(f)
    try:
        sys.stdout.write(finish(page, dump, argv[3], argv[4]))
    except ValueError as e:
        print(f"manual-page: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
