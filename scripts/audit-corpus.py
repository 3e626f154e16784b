#!/usr/bin/env python3
"""Runs `agentreplay audit --json --policy POLICY` on every session of a corpus and counts,
per agent, the sessions that carry each kind of permission record (read from the raw logs)
and what the audit found in them.

    scripts/audit-corpus.py CASES.tsv CORPUS_DIR [--bin .build/debug/agentreplay] [--policy docs/audit-policy.json]

CASES.tsv has the columns `case_id` and `agent`; each case is CORPUS_DIR/<case_id>.jsonl or
.json. Nothing is written but standard output.
"""
import argparse, collections, csv, json, os, subprocess, sys

RAW = {
    'claude-code': [
        ('permissionMode on lines', '"permissionMode"'),
        ('permission-mode lines', '"type":"permission-mode"'),
        ("user refusal (doesn't want to proceed / take this action)", "The user doesn't want to "),
        ('Permission for this tool use was denied', 'Permission for this tool use was denied'),
        ('hook_progress lines', '"hook_progress"'),
        ('PreToolUse hooks', '"hookEvent":"PreToolUse"'),
        ('stop_hook_summary', 'stop_hook_summary'),
        ('hook attachments (hook_success)', '"hook_success"'),
        ('[Request interrupted by user for tool use]', 'Request interrupted by user for tool use'),
        ('dangerouslyDisableSandbox', 'dangerouslyDisableSandbox'),
    ],
    'codex': [
        ('turn_context.approval_policy', '"approval_policy"'),
        ('turn_context.sandbox_policy', '"sandbox_policy"'),
        ('approval requests', '_approval_request'),
        ('escalation requests (require_escalated)', 'require_escalated\\"'),
        ('rejected by user', 'rejected by user'),
    ],
    'gemini': [('cancelled calls', '"cancelled"'), ('approval mode', 'approvalMode')],
    'opencode': [('permission ruleset', '"permission": ['), ('rejected permission', 'rejected permission')],
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('cases')
    p.add_argument('corpus')
    p.add_argument('--bin', default='.build/debug/agentreplay')
    p.add_argument('--policy', default='docs/audit-policy.json')
    a = p.parse_args()
    cases = [(r['case_id'], r['agent']) for r in csv.DictReader(open(a.cases), delimiter='\t')]
    raw = collections.defaultdict(collections.Counter)
    sessions = collections.Counter(agent for _, agent in cases)
    found = collections.defaultdict(collections.Counter)
    totals = collections.defaultdict(collections.Counter)
    statuses = collections.Counter()
    for case, agent in cases:
        path = next((os.path.join(a.corpus, case + e) for e in ('.jsonl', '.json') if os.path.exists(os.path.join(a.corpus, case + e))), None)
        if path is None:
            print(f'missing: {case}', file=sys.stderr)
            continue
        text = open(path, encoding='utf-8', errors='replace').read()
        for label, needle in RAW.get(agent, []):
            if needle in text:
                raw[agent][label] += 1
        r = subprocess.run([a.bin, 'audit', path, '--json', '--policy', a.policy], capture_output=True, text=True)
        statuses[r.returncode] += 1
        if r.returncode not in (0, 1):
            print(f'{case}: exit {r.returncode}: {r.stderr.strip()}', file=sys.stderr)
            continue
        d = json.loads(r.stdout)
        s = d['summary']
        f, t = found[agent], totals[agent]
        t['tool calls'] += s['tool_calls']
        for m in s['modes']:
            f['policy in force: ' + m] += 1
        if not s['modes']:
            f['policy in force: not recorded'] += 1
        for k, v in s['decisions'].items():
            f['decision ' + k] += 1
            t['decision ' + k] += v
        recorded = sum(1 for c in d['calls'] if c['decision']['basis'] == 'recorded')
        if recorded:
            f['a recorded decision'] += 1
            t['a recorded decision'] += recorded
        for k, v in s['risks'].items():
            if v:
                f['risk ' + k] += 1
                t['risk ' + k] += v
        if d['policy']['violated']:
            f['violates ' + a.policy] += 1
        for v in d['policy']['violations']:
            if not v['refused']:
                t['violates ' + a.policy] += 1
    print('exit statuses:', dict(sorted(statuses.items())))
    for agent in sorted(sessions):
        print(f'\n{agent}: {sessions[agent]} sessions, {totals[agent]["tool calls"]} tool calls')
        print('  permission records in the logs (sessions):')
        for label, _ in RAW.get(agent, []):
            print(f'    {raw[agent][label]:4d}  {label}')
        print('  what audit found (sessions, items):')
        for k in sorted(found[agent]):
            n = totals[agent][k]
            print(f'    {found[agent][k]:4d}  {str(n) if n else "":>6}  {k}')


if __name__ == '__main__':
    main()
