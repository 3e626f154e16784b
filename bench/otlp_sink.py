"""An OTLP/HTTP endpoint for the export benchmark that takes everything and keeps nothing:
each POST's body is read whole, hashed (SHA-256) and answered 200 with an empty body, so
what is timed is agentreplay's encoding and sending, not a collector's work.

Usage: otlp_sink.py PORT_FILE LOG

It listens on a free port of 127.0.0.1, written to PORT_FILE once listening, and appends one
line per request to LOG: `<content type> <bytes> <sha256>`.
"""
import hashlib
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        digest = hashlib.sha256()
        left = length
        while left:
            chunk = self.rfile.read(min(left, 1 << 20))
            if not chunk:
                break
            digest.update(chunk)
            left -= len(chunk)
        with open(self.server.log, "a") as f:
            f.write(f"{self.headers.get('Content-Type')} {length - left} {digest.hexdigest()}\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def main():
    port_file, log = sys.argv[1], sys.argv[2]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    server.log = log
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
