"""OTLP/JSON read with the official definitions (google.protobuf.json_format).

OTLP/JSON is the protobuf JSON mapping with one exception: trace and span ids are hex, not
base64 (the OTLP specification, "JSON Protobuf Encoding"). json_format.Parse knows only the
mapping, and would read a 16-digit hex span id as 12 bytes of base64, so the ids are turned
into base64 first, exactly as an OTLP receiver reads them (lower-case hex required: what
agentreplay writes).
"""
import base64
import json

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

HEX_ID_FIELDS = ("traceId", "spanId", "parentSpanId")


def hex_ids_to_base64(document):
    for rs in document.get("resourceSpans", []):
        for ss in rs.get("scopeSpans", []):
            for span in ss.get("spans", []):
                for holder in [span] + span.get("links", []):
                    for field in HEX_ID_FIELDS:
                        if field in holder:
                            value = holder[field]
                            if value != value.lower() or any(c not in "0123456789abcdef" for c in value):
                                raise AssertionError(f"{field} {value!r} is not lower-case hex")
                            holder[field] = base64.b64encode(bytes.fromhex(value)).decode()
    return document


def parse_request(text):
    """An OTLP/JSON ExportTraceServiceRequest, unknown fields rejected."""
    return json_format.Parse(json.dumps(hex_ids_to_base64(json.loads(text))), ExportTraceServiceRequest())
