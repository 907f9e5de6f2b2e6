# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A local SMTP server for tests: it accepts every email on 127.0.0.1 and keeps
the raw bytes, so that a test reads what a mail client would receive."""

import socketserver
import threading
from contextlib import contextmanager
from unittest.mock import patch

from odoo import modules


class _SmtpSession(socketserver.StreamRequestHandler):
    def _reply(self, line):
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self):
        self._reply("220 sink ESMTP")
        data, in_data = [], False
        for raw in self.rfile:
            if in_data:
                if raw == b".\r\n":
                    self.server.messages.append(b"".join(data))
                    data, in_data = [], False
                    self._reply("250 queued")
                else:
                    data.append(raw[1:] if raw.startswith(b"..") else raw)
                continue
            command = raw.decode("ascii", "replace").strip().upper()
            if command.startswith("EHLO"):
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif command.startswith("DATA"):
                in_data = True
                self._reply("354 go ahead")
            elif command.startswith("QUIT"):
                self._reply("221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self._reply("250 OK")


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        self.messages = []

    @property
    def port(self):
        return self.server_address[1]


@contextmanager
def smtp_sink():
    """A running sink, and Odoo sending for real meanwhile (tests only log)."""
    sink = SmtpSink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    try:
        with patch.object(modules.module, "current_test", False):
            yield sink
    finally:
        sink.shutdown()
        sink.server_close()
