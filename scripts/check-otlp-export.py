"""Checks agentreplay's OTLP JSON exports against the official protobuf definitions.

Arguments: groups of four: SESSION EXPORT NATIVE MODE, where EXPORT is what
`agentreplay export --otlp SESSION` wrote, NATIVE what `agentreplay import SESSION` wrote (the
spans the export must hold, in order), MODE `plain` or `replay` (exported with --replay: every
tool span must carry its verdict).

The hex ids of OTLP/JSON are turned into base64 first, as an OTLP receiver reads them
(otlp_json.py), and their lengths checked after. Everything else is parsed as written,
unknown fields rejected.
"""
import json
import sys

from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

from otlp_json import parse_request


def attributes(kvs):
    out = {}
    for kv in kvs:
        which = kv.value.WhichOneof("value")
        out[kv.key] = getattr(kv.value, which) if which else None
    return out


def check(session, export_path, native_path, mode):
    with open(export_path, "rb") as f:
        text = f.read().decode("utf-8")
    if not text.endswith("\n") or text.count("\n") != 1:
        raise AssertionError("the export is not one line")
    request = parse_request(text)

    with open(native_path, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f if line.strip()]
    header, native = lines[0], lines[1:]

    assert len(request.resource_spans) == 1, "one resource: the session"
    rs = request.resource_spans[0]
    resource = attributes(rs.resource.attributes)
    assert resource["service.name"] == header["agent"]["name"], resource.get("service.name")
    assert resource["gen_ai.agent.name"] == header["agent"]["name"]
    assert resource["agentreplay.trace.id"] == header["trace_id"]
    assert len(rs.scope_spans) == 1 and rs.scope_spans[0].scope.name == "agentreplay"
    spans = rs.scope_spans[0].spans
    assert len(spans) == len(native), f"{len(spans)} spans exported, the trace has {len(native)}"

    trace_id = spans[0].trace_id if spans else b""
    ids = set()
    for span in spans:
        assert len(span.trace_id) == 16 and span.trace_id == trace_id and any(span.trace_id), "trace id: 16 bytes, one per export"
        assert len(span.span_id) == 8 and any(span.span_id), "span id: 8 bytes, not zero"
        assert span.span_id not in ids, "span ids unique"
        ids.add(span.span_id)
    if len(header["trace_id"]) == 32:
        assert trace_id.hex() == header["trace_id"], "the trace's own id is kept"

    by_native_id = {}
    for span, record in zip(spans, native):
        a = attributes(span.attributes)
        kind = record["kind"]
        by_native_id[record["span_id"]] = span.span_id
        assert a["agentreplay.span.kind"] == kind and a["agentreplay.span.name"] == record["name"]
        if "parent_span_id" in record:
            assert span.parent_span_id == by_native_id[record["parent_span_id"]], "parent link kept"
        else:
            assert span.parent_span_id == b""
        if "start_time" in record and "end_time" in record:
            assert span.start_time_unix_nano <= span.end_time_unix_nano or record["start_time"] > record["end_time"]
        record_attributes = record.get("attributes", {})
        if kind == "llm":
            assert span.kind == Span.SPAN_KIND_CLIENT
            assert a["gen_ai.operation.name"] == "chat"
            model = record_attributes.get("gen_ai.request.model") or record_attributes.get("gen_ai.response.model")
            if model:
                assert a["gen_ai.request.model"] == model or a.get("gen_ai.response.model") == model
                assert span.name == "chat " + model, span.name
            for key in ("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens"):
                if key in record_attributes:
                    assert a[key] == record_attributes[key], key
        elif kind == "tool":
            assert span.kind == Span.SPAN_KIND_INTERNAL
            assert a["gen_ai.operation.name"] == "execute_tool"
            assert a["gen_ai.tool.name"] == record_attributes.get("gen_ai.tool.name", record["name"])
            assert span.name == "execute_tool " + a["gen_ai.tool.name"]
            if "gen_ai.tool.call.id" in record_attributes:
                assert a["gen_ai.tool.call.id"] == record_attributes["gen_ai.tool.call.id"]
            if "input" in record:
                assert json.loads(a["gen_ai.tool.call.arguments"]) == record["input"], "arguments are the input"
            if mode == "replay":
                assert "agentreplay.replay.verdict" in a, f"tool span {record['span_id']} has no verdict"
        elif kind == "agent":
            assert a["gen_ai.operation.name"] == "invoke_agent" and span.name.startswith("invoke_agent ")
        if record.get("status") == "error":
            assert span.status.code == Status.STATUS_CODE_ERROR
        elif record.get("status") == "ok":
            assert span.status.code == Status.STATUS_CODE_OK
    if mode == "replay":
        assert "agentreplay.run.final_tree" in resource and "agentreplay.run.clean" in resource
    return len(spans)


def main(argv):
    if len(argv) % 4 != 0 or not argv:
        sys.exit("usage: check-otlp-export.py (SESSION EXPORT NATIVE plain|replay)...")
    failures = 0
    for i in range(0, len(argv), 4):
        session, export_path, native_path, mode = argv[i:i + 4]
        try:
            n = check(session, export_path, native_path, mode)
            print(f"ok   {session}{' (with --replay)' if mode == 'replay' else ''}: {n} spans parsed as ExportTraceServiceRequest")
        except Exception as error:  # report every session, then fail
            failures += 1
            print(f"FAIL {session}{' (with --replay)' if mode == 'replay' else ''}: {type(error).__name__}: {error}")
    if failures:
        sys.exit(f"check-otlp-export: {failures} export(s) failed")


if __name__ == "__main__":
    main(sys.argv[1:])
