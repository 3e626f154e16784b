/// The page's style: system fonts only (nothing fetched), light and dark.
enum Stylesheet {
    static let css = """
        :root{--bg:#f7f7f5;--panel:#fff;--ink:#1d2125;--muted:#6b7177;--line:#e3e4e1;--llm:#7c5cd6;--read:#3d8bd9;--edit:#2f9e61;--command:#d08a1e;--tool:#8a939b;--prompt:#c05a9a;--event:#a7adb3;--bad:#d64545;--kept:#2f9e61;--reverted:#e08a2e;--failed:#d64545;--none:#b9bfc5;--hl:#f4c430}
        @media (prefers-color-scheme:dark){:root{--bg:#16181b;--panel:#1f2226;--ink:#e6e8ea;--muted:#9aa1a8;--line:#30343a;--none:#555b62}}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
        header{padding:22px 32px 14px;background:var(--panel);border-bottom:1px solid var(--line)}
        .brand{font-size:12px;letter-spacing:.08em;text-transform:uppercase;color:var(--llm);font-weight:600}
        h1{margin:2px 0 4px;font-size:21px;font-weight:600;word-break:break-all}
        h2{font-size:15px;margin:26px 0 10px;font-weight:600}
        .facts,.muted,.meta{color:var(--muted)}
        main{padding:8px 32px 24px;max-width:1400px}
        footer{padding:16px 32px 28px;color:var(--muted);font-size:12px}
        code,pre,.path,.idx{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;margin-top:16px}
        .card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
        .card.warn{border-color:var(--reverted)}
        .ct{font-size:12px;color:var(--muted)}.cv{font-size:22px;font-weight:600;margin:2px 0}.cd{font-size:12px;color:var(--muted)}
        .banner{margin-top:16px;background:#fff7da;border:1px solid var(--hl);border-radius:8px;padding:8px 14px;color:#1d2125}
        .banner p{margin:4px 0}
        .chart{width:100%;height:170px;background:var(--panel);border:1px solid var(--line);border-radius:8px;display:block}
        .chart .grid{stroke:var(--line);stroke-width:1;vector-effect:non-scaling-stroke}
        .chart rect:hover{opacity:.75}
        rect.o-kept,.key.o-kept{fill:var(--kept);background:var(--kept)}rect.o-reverted,.key.o-reverted{fill:var(--reverted);background:var(--reverted)}
        rect.o-failed,.key.o-failed{fill:var(--failed);background:var(--failed)}rect.o-none,.key.o-none{fill:var(--none);background:var(--none)}
        .legend{font-size:12px;margin:6px 0 0}.key{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px;vertical-align:-1px}
        .legend .key:first-child{margin-left:0}
        .filters{display:flex;gap:6px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
        .filters button{font:inherit;font-size:12px;border:1px solid var(--line);background:var(--panel);color:var(--ink);border-radius:14px;padding:2px 11px;cursor:pointer}
        .filters button.on{background:var(--ink);color:var(--panel);border-color:var(--ink)}
        #shown{margin-left:8px;font-size:12px}
        .waterfall{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:6px 0}
        .turn{border-top:1px solid var(--line);padding:3px 0}.turn:first-of-type{border-top:0}
        .row,.axis{display:flex;align-items:center;min-height:22px;padding:0 12px}
        details.row{display:block;padding:0}details.row>summary{display:flex;align-items:center;min-height:22px;padding:0 12px;cursor:pointer;list-style:none}
        details.row>summary::-webkit-details-marker{display:none}
        details.row>summary:hover{background:rgba(127,127,127,.08)}
        .lbl{flex:0 0 46%;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;padding-right:10px}
        .track{position:relative;flex:1;height:12px;background:linear-gradient(90deg,var(--line) 1px,transparent 1px) 0 0/10% 100%}
        .bar{position:absolute;top:2px;height:8px;border-radius:2px;min-width:3px;background:var(--tool)}
        .axisnote{margin:2px 12px 4px;font-size:12px;color:var(--muted)}
        .axis{font-size:11px;color:var(--muted);min-height:18px}.axis .track{background:none;height:16px}
        .tick,.gapmark{position:absolute;top:0;height:16px;white-space:nowrap}.gapmark{border-left:2px dotted var(--muted);padding-left:3px}.gapmark:empty{border-left:1px dotted var(--muted);opacity:.5}
        .k-llm{font-weight:500}.k-llm .bar{background:var(--llm)}.k-read .bar{background:var(--read)}.k-edit .bar{background:var(--edit)}
        .k-command .bar{background:var(--command)}.k-prompt .bar{background:var(--prompt)}.k-event .bar{background:var(--event)}
        .f-failed .bar{background:var(--bad)}.f-drift .bar{outline:2px solid var(--bad)}
        .idx{color:var(--muted);font-size:11.5px;text-decoration:none;display:inline-block;min-width:44px}
        .kind{display:inline-block;min-width:62px;font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
        .k-edit .kind{color:var(--edit)}.k-command .kind{color:var(--command)}.k-read .kind{color:var(--read)}.k-prompt .kind{color:var(--prompt)}
        .model{color:var(--llm)}.cost{font-variant-numeric:tabular-nums;margin-left:4px}
        .say{padding:0 12px 3px 58px;color:var(--muted);font-style:italic;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
        .badge{display:inline-block;font-size:10.5px;font-weight:600;padding:0 6px;border-radius:8px;margin-left:4px;color:#fff;background:var(--tool);text-transform:uppercase;letter-spacing:.03em}
        .b-failed,.b-drift,.b-culprit,.b-mismatch{background:var(--bad)}.b-reverted{background:var(--reverted)}
        .b-divergence,.b-state-divergence,.b-candidate{background:var(--hl);color:#1d2125}
        .h-culprit>summary,.h-divergence>summary{background:rgba(244,196,48,.22);box-shadow:inset 3px 0 0 var(--hl)}
        .h-culprit>summary{box-shadow:inset 3px 0 0 var(--bad)}
        .f-highlight:not(.h-culprit):not(.h-divergence)>summary{box-shadow:inset 3px 0 0 var(--hl)}
        .body{padding:6px 14px 10px 58px;border-left:3px solid var(--line);margin:2px 0 6px 12px}
        .body p{margin:4px 0}.error,.drift{color:var(--bad)}.mark{font-weight:500}
        .plus{color:var(--edit)}.minus{color:var(--bad)}
        .file{margin:8px 0 2px}.file .path{font-weight:600}
        pre{margin:4px 0;padding:8px 10px;background:var(--bg);border:1px solid var(--line);border-radius:6px;overflow:auto;max-height:420px}
        .diff span{display:block}.da{background:rgba(47,158,97,.15)}.dr{background:rgba(214,69,69,.14)}.dh{color:var(--llm)}.dc{color:var(--muted)}
        table.files{border-collapse:collapse;width:100%;background:var(--panel);border:1px solid var(--line);border-radius:8px;font-size:13px}
        .files th,.files td{text-align:left;padding:4px 10px;border-bottom:1px solid var(--line)}.files th{font-weight:500;color:var(--muted);font-size:12px}
        .files tr.hunk td{color:var(--muted);font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;padding-left:26px;border-bottom-style:dotted}
        [hidden]{display:none!important}
        """
}
