"""A small OTLP/HTTP traces receiver for tests: it parses every request with the official
definitions (opentelemetry-proto's ExportTraceServiceRequest: ParseFromString for
application/x-protobuf, json_format.Parse for application/json, unknown fields rejected),
records what it received, and answers as it is told.

Usage: otlp-receiver.py --port-file FILE --record DIR [--answer ANSWER]...

It listens on 127.0.0.1 on a free port, which it writes to FILE once listening. The n-th
request gets the n-th --answer (then 200 once they run out):
  200                       success: an empty ExportTraceServiceResponse
  partial:N:MESSAGE         success with partial_success.rejected_spans = N, error_message = MESSAGE
  STATUS                    that status with no body (e.g. 503, 404)
  STATUS/retry-after=VALUE  that status with a Retry-After header (e.g. 503/retry-after=1)
  STATUS:MESSAGE            that status with a google.rpc.Status body (code 3) carrying MESSAGE
                            (\\e in MESSAGE stands for an escape character), in the request's encoding
  STATUS-text:MESSAGE       that status with a text/plain body
  307:LOCATION              a redirect
  hang:SECONDS              no answer for SECONDS (then 200), to try a sender's timeout
Answers are given in the request's encoding (Content-Type), as the OTLP specification says.

Each request n (from 1) is recorded in DIR as n.body (the bytes received) and n.json: the
method, path, headers, content type, the answer given, and whether the body parsed (with the
error when not), and when it did, n.parsed: the parsed request serialized deterministically,
to compare with the JSON export parsed the same way. A request whose body does not parse, or
whose content type is neither, gets 400 (or 415) whatever it was told, so a sender cannot pass
a check with a body the official definitions refuse.
"""
import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from google.rpc.status_pb2 import Status
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from otlp_json import parse_request  # noqa: E402

PROTOBUF = "application/x-protobuf"
JSON = "application/json"


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, and Expect: 100-continue answered

    def log_message(self, format, *args):  # quiet
        pass

    def do_POST(self):
        server = self.server
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with server.lock:
            server.count += 1
            n = server.count
            answer = server.answers[n - 1] if n <= len(server.answers) else "200"
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        record = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "content_type": content_type,
            "parsed": False,
        }
        with open(os.path.join(server.record, f"{n}.body"), "wb") as f:
            f.write(body)
        try:
            if content_type == PROTOBUF:
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
            elif content_type == JSON:
                request = parse_request(body.decode("utf-8"))
            else:
                raise ValueError(f"content type {content_type!r} is neither {PROTOBUF} nor {JSON}")
            with open(os.path.join(server.record, f"{n}.parsed"), "wb") as f:
                f.write(request.SerializeToString(deterministic=True))
            record["parsed"] = True
            record["spans"] = sum(len(ss.spans) for rs in request.resource_spans for ss in rs.scope_spans)
        except Exception as error:  # the sender is wrong: say so, whatever the answer was to be
            record["error"] = f"{type(error).__name__}: {error}"
            answer = "415:unsupported content type" if content_type not in (PROTOBUF, JSON) else f"400:{record['error']}"
        record["answer"] = answer
        with open(os.path.join(server.record, f"{n}.json"), "w") as f:
            json.dump(record, f, indent=1)
        if answer.startswith("hang:"):
            time.sleep(float(answer[len("hang:"):]))
            answer = "200"
        self.answer(answer, content_type if content_type in (PROTOBUF, JSON) else PROTOBUF)

    def answer(self, answer, encoding):
        headers = []
        body = b""
        status_text, _, rest = answer.partition(":")
        status_text, _, option = status_text.partition("/")
        if status_text == "partial":
            rejected, _, message = rest.partition(":")
            response = ExportTraceServiceResponse()
            response.partial_success.rejected_spans = int(rejected)
            response.partial_success.error_message = message
            status, body = 200, self.encode(response, encoding)
        elif status_text.endswith("-text"):
            status = int(status_text[:-5])
            body = rest.replace("\\e", "\x1b").encode("utf-8")
            encoding = "text/plain; charset=utf-8"
        else:
            status = int(status_text)
            if status == 200:
                body = self.encode(ExportTraceServiceResponse(), encoding)
            elif 300 <= status < 400:
                headers.append(("Location", rest))
            elif rest:
                body = self.encode(Status(code=3, message=rest.replace("\\e", "\x1b")), encoding)
        if option.startswith("retry-after="):
            headers.append(("Retry-After", option[len("retry-after="):]))
        self.send_response(status)
        self.send_header("Content-Type", encoding)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    @staticmethod
    def encode(message, encoding):
        if encoding == JSON:
            return json_format.MessageToJson(message, indent=None).encode("utf-8")
        return message.SerializeToString(deterministic=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--answer", action="append", default=[])
    args = parser.parse_args()
    os.makedirs(args.record, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.daemon_threads = True
    server.lock = threading.Lock()
    server.count = 0
    server.answers = args.answer
    server.record = args.record
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
