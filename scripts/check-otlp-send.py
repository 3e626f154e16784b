"""Checks `agentreplay export --otlp --endpoint` against a real receiver process
(otlp-receiver.py), which parses every request with the official definitions.

Usage: check-otlp-send.py AGENTREPLAY WORKDIR SESSION...

For each session, in both encodings: the request parses (ParseFromString for protobuf,
json_format.Parse for JSON), into the very message the JSON export (`export --otlp -o FILE`)
parses into; a JSON body is the export's bytes exactly; two sends of the same session send
the same bytes. Then, on the first session: retries on 503 and 429 with Retry-After, and on
503 without it (the backoff); the clear error and exit 4 on a 400 (protobuf and JSON
google.rpc.Status bodies, a text body), with the collector's escape characters made visible;
a redirect not followed; exit 5 when nothing listens, when the attempts run out, when
Retry-After asks too much, and when no answer comes within --timeout; partial success (exit 1); headers from --header and from
OTEL_EXPORTER_OTLP_HEADERS (read only with --send), and the environment's endpoint and
protocol.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from otlp_json import parse_request

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = sys.executable


class Receiver:
    """otlp-receiver.py as a process of its own, answering as told."""

    def __init__(self, work, name, answers=()):
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir)
        port_file = os.path.join(self.dir, "port")
        args = [PYTHON, os.path.join(HERE, "otlp-receiver.py"), "--port-file", port_file, "--record", os.path.join(self.dir, "requests")]
        for a in answers:
            args += ["--answer", a]
        self.process = subprocess.Popen(args)
        deadline = time.monotonic() + 30
        while not os.path.exists(port_file):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the receiver did not start")
            time.sleep(0.05)
        with open(port_file) as f:
            self.port = int(f.read())
        self.url = f"http://127.0.0.1:{self.port}"

    def requests(self):
        out = []
        n = 1
        while os.path.exists(os.path.join(self.dir, "requests", f"{n}.json")):
            with open(os.path.join(self.dir, "requests", f"{n}.json")) as f:
                record = json.load(f)
            with open(os.path.join(self.dir, "requests", f"{n}.body"), "rb") as f:
                record["body"] = f.read()
            parsed = os.path.join(self.dir, "requests", f"{n}.parsed")
            if os.path.exists(parsed):
                with open(parsed, "rb") as f:
                    record["message"] = ExportTraceServiceRequest.FromString(f.read())
            out.append(record)
            n += 1
        return out

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Checks:
    def __init__(self, binary, work):
        self.binary = binary
        self.work = work
        self.failures = 0

    def run(self, *args, env=None):
        start = time.monotonic()
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
        full_env.update(env or {})
        r = subprocess.run([self.binary, *args], capture_output=True, env=full_env, timeout=300)
        return r.returncode, r.stdout, r.stderr.decode("utf-8", "replace"), time.monotonic() - start

    def check(self, name, body):
        try:
            body()
            print(f"ok   {name}")
        except Exception as error:  # report every check, then fail
            self.failures += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}")


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_status(result, status):
    code, _, err, _ = result
    expect(code == status, f"exit {code}, expected {status}; stderr: {err.strip()}")


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: check-otlp-send.py AGENTREPLAY WORKDIR SESSION...")
    binary, work, sessions = argv[0], argv[1], argv[2:]
    c = Checks(binary, work)

    # Every session, in both encodings, against one receiver that takes everything.
    with Receiver(work, "sessions") as receiver:
        expected = []  # (session, protocol, what its JSON export parses into, its bytes)
        for i, session in enumerate(sessions):
            export = os.path.join(work, f"export-{i}.json")
            code, _, err, _ = c.run("export", "--otlp", session, "-o", export)
            if code != 0:
                raise SystemExit(f"export of {session} failed: {err}")
            with open(export, "rb") as f:
                export_bytes = f.read()
            message = parse_request(export_bytes.decode("utf-8"))
            for protocol in ("http/protobuf", "http/protobuf", "http/json"):
                result = c.run("export", "--otlp", session, "--endpoint", receiver.url, "--otlp-protocol", protocol)
                expected.append((session, protocol, message, export_bytes, result))
        requests = receiver.requests()

    def per_session(k):
        session, protocol, message, export_bytes, result = expected[k]
        expect_status(result, 0)
        request = requests[k]
        expect(request["path"] == "/v1/traces", f"path {request['path']}")
        expect(request["method"] == "POST", request["method"])
        wanted = "application/x-protobuf" if protocol == "http/protobuf" else "application/json"
        expect(request["content_type"] == wanted, f"content type {request['content_type']}")
        expect(request["headers"].get("user-agent", "").startswith("agentreplay/"), "a User-Agent")
        expect(request["parsed"], request.get("error"))
        expect(request["message"] == message, "the request parsed differs from the JSON export parsed")
        if protocol == "http/json":
            expect(request["body"] == export_bytes, "the JSON body is not the export's bytes")
        elif k % 3 == 1:
            expect(request["body"] == requests[k - 1]["body"], "two sends of the same session sent different bytes")

    c.check(f"{len(requests)} requests for {len(sessions)} sessions", lambda: expect(len(requests) == len(expected), f"{len(requests)} requests"))
    for k in range(min(len(requests), len(expected))):
        session, protocol = expected[k][0], expected[k][1]
        again = " (again: same bytes)" if k % 3 == 1 else ""
        c.check(f"{session} over {protocol}{again}: parsed with the official definitions, the JSON export's message", lambda k=k: per_session(k))

    session = sessions[0]

    def retried(answer, at_least):
        def body():
            with Receiver(work, f"retry-{answer.replace('/', '-').replace('=', '')}", [answer]) as r:
                result = c.run("export", "--otlp", session, "--endpoint", r.url)
                got = r.requests()
            expect_status(result, 0)
            expect(len(got) == 2, f"{len(got)} requests")
            expect(got[0]["body"] == got[1]["body"], "the retry sent other bytes")
            expect(result[3] >= at_least, f"retried after {result[3]:.2f} s, before {at_least} s")
            expect("attempt 2 of 5 in 1 s" in result[2], result[2])
        return body

    c.check("503 with Retry-After: 1 is retried after 1 s", retried("503/retry-after=1", 1.0))
    c.check("429 with Retry-After: 1 is retried after 1 s", retried("429/retry-after=1", 1.0))
    c.check("502 without Retry-After is retried after the 1 s backoff", retried("502", 1.0))

    def refused(protocol, answer, shown):
        def body():
            with Receiver(work, f"refused-{protocol.replace('/', '-')}-{len(answer)}", [answer]) as r:
                result = c.run("export", "--otlp", session, "--endpoint", r.url, "--otlp-protocol", protocol)
                got = r.requests()
            expect_status(result, 4)
            expect(len(got) == 1, f"{len(got)} requests: a 400 is not retried")
            err = result[2]
            expect("refused the export: HTTP 400: " + shown in err, err)
            expect("\x1b" not in err, "an escape character reached the terminal")
        return body

    c.check("400 (google.rpc.Status in protobuf): exit 4 with its message, made inert",
            refused("http/protobuf", "400:span 3 is bad \\e[31mred\\e]0;title\x07", "span 3 is bad \\x1b[31mred\\x1b]0;title\\x07"))
    c.check("400 (google.rpc.Status in JSON): exit 4 with its message",
            refused("http/json", "400:no such field", "no such field"))
    c.check("400 (text): exit 4 with its text", refused("http/protobuf", "400-text:go away", "go away"))

    def redirect():
        with Receiver(work, "redirect", ["307:http://127.0.0.1:9/v1/traces"]) as r:
            result = c.run("export", "--otlp", session, "--endpoint", r.url)
            got = r.requests()
        expect_status(result, 4)
        expect(len(got) == 1, f"{len(got)} requests")
        expect("a redirect to http://127.0.0.1:9/v1/traces, not followed" in result[2], result[2])

    c.check("a redirect is not followed: exit 4", redirect)

    def connection_refused():
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()  # nothing listens there now
        result = c.run("export", "--otlp", session, "--endpoint", f"http://127.0.0.1:{port}", "--attempts", "2")
        expect_status(result, 5)
        expect("did not take the export after 2 attempts: could not connect" in result[2], result[2])
        expect(result[3] >= 1.0, "no backoff between the attempts")

    c.check("connection refused: retried, then exit 5", connection_refused)

    def exhausted():
        with Receiver(work, "exhausted", ["503/retry-after=0"] * 3) as r:
            result = c.run("export", "--otlp", session, "--endpoint", r.url, "--attempts", "3")
            got = r.requests()
        expect_status(result, 5)
        expect(len(got) == 3, f"{len(got)} requests")
        expect("after 3 attempts: HTTP 503" in result[2], result[2])

    c.check("503 until the attempts run out: exit 5", exhausted)

    def too_long():
        with Receiver(work, "too-long", ["503/retry-after=120"]) as r:
            result = c.run("export", "--otlp", session, "--endpoint", r.url)
            got = r.requests()
        expect_status(result, 5)
        expect(len(got) == 1, f"{len(got)} requests")
        expect("it asked to wait 120 s (Retry-After), more than 60 s" in result[2], result[2])

    c.check("a Retry-After over 60 s ends the send: exit 5", too_long)

    def timeout():
        with Receiver(work, "timeout", ["hang:5"]) as r:
            result = c.run("export", "--otlp", session, "--endpoint", r.url, "--timeout", "1", "--attempts", "1")
        expect_status(result, 5)
        expect("after 1 attempt: no answer within 1 s (--timeout)" in result[2], result[2])
        expect(result[3] < 4.5, f"took {result[3]:.1f} s: the timeout did not end the wait")

    c.check("no answer within --timeout: exit 5", timeout)

    def partial(protocol):
        def body():
            with Receiver(work, f"partial-{protocol.replace('/', '-')}", ["partial:2:two spans are too old"]) as r:
                result = c.run("export", "--otlp", session, "--endpoint", r.url, "--otlp-protocol", protocol)
            expect_status(result, 1)
            expect("but the collector rejected 2 of them: two spans are too old" in result[2], result[2])
        return body

    c.check("partial success (protobuf): reported, exit 1", partial("http/protobuf"))
    c.check("partial success (JSON): reported, exit 1", partial("http/json"))

    def headers():
        with Receiver(work, "headers") as r:
            env = {"OTEL_EXPORTER_OTLP_HEADERS": "x-env=from%20env"}
            typed = c.run("export", "--otlp", session, "--endpoint", r.url + "/base/", "--header", "X-Token=a=b", env=env)
            sent = c.run("export", "--otlp", session, "--send", "--header", "x-two=2",
                         env=dict(env, OTEL_EXPORTER_OTLP_ENDPOINT=r.url + "/otel", OTEL_EXPORTER_OTLP_PROTOCOL="http/json"))
            got = r.requests()
        expect_status(typed, 0)
        expect_status(sent, 0)
        expect(got[0]["path"] == "/base/v1/traces", got[0]["path"])
        expect(got[0]["headers"].get("x-token") == "a=b", got[0]["headers"])
        expect("x-env" not in got[0]["headers"], "the environment's headers went to a URL typed on the command line")
        expect(got[1]["path"] == "/otel/v1/traces", got[1]["path"])
        expect(got[1]["content_type"] == "application/json", got[1]["content_type"])
        expect(got[1]["headers"].get("x-env") == "from env" and got[1]["headers"].get("x-two") == "2", got[1]["headers"])
        expect(got[1]["parsed"], got[1].get("error"))

    c.check("headers from --header and OTEL_EXPORTER_OTLP_HEADERS (with --send), the environment's endpoint and protocol", headers)

    if c.failures:
        sys.exit(f"check-otlp-send: {c.failures} check(s) failed")


if __name__ == "__main__":
    main(sys.argv[1:])
