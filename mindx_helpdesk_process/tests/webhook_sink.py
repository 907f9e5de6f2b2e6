# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A local HTTP server for tests: it takes every POST on 127.0.0.1 and keeps it,
so that a test reads what Microsoft Teams, Slack or a generic endpoint would
receive, and answers as told (a status, a redirect, an answer too late)."""

import json
import ssl
import threading
import time
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Hook(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        """Quiet: the test reads the requests, not a log."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        server = self.server
        with server.lock:
            server.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": json.loads(raw.decode("utf-8")) if raw else None,
                }
            )
            status, delay, location, hold = (
                server.answers.pop(0) if server.answers else (200, 0, None, None)
            )
        server.arrived.set()
        if hold:
            hold.wait(server.HOLD_GUARD)
        if delay:
            time.sleep(delay)
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        body = b"ok" if status < 300 else f"error {status}".encode()
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # the client may have given up waiting (a timeout under test)
        with suppress(OSError):
            self.wfile.write(body)


class WebhookSink(ThreadingHTTPServer):
    daemon_threads = allow_reuse_address = True
    HOLD_GUARD = 30  # seconds an answer is held at most (a test that forgot it)

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Hook)
        self.requests = []
        # (status, delay in seconds, Location, an Event to wait for), in order
        self.answers = []
        self.lock = threading.Lock()
        self.arrived = threading.Event()  # set on each request

    @property
    def port(self):
        return self.server_address[1]

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, status=200, delay=0, location=None, hold=None):
        """The next request's answer (then 200 once these are used); with `hold`,
        given once that event is set (the request is in the middle meanwhile)."""
        self.answers.append((status, delay, location, hold))


@contextmanager
def webhook_sink(tls=None):
    """A running sink, stopped at the end; `tls`: (certificate file, key file) to
    speak HTTPS."""
    sink = WebhookSink()
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        sink.socket = context.wrap_socket(sink.socket, server_side=True)
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        sink.shutdown()
        sink.server_close()
