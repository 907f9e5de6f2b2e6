"""Email in and out of a real server, for tests/test_mail_round_trip.py.

Out: a local SMTP server (the addon's tests' SmtpSink, stdlib only) that the
server's ir.mail_server sends to; the tests read the raw bytes it received as a
mail client would (`email.message_from_bytes`, SMTP policy).

In: raw RFC 822 emails (the files of tests/mail/, with `${name}` placeholders for
what only the run knows: the date, the alias, a unique Message-ID, the email
replied to) delivered through Odoo's own gateway entry, the
addons/mail/static/scripts/odoo-mailgate.py that a mail server pipes each email
to: it posts the email over XML-RPC to mail.thread.message_process. Odoo 18 ships
it as a Python 2 script; it runs here unchanged with Python 3 and the shim of
tests/mailgate/ (see xmlrpclib.py there).
"""

import email
import email.message
import email.policy
import os
import string
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, getaddresses
from html import escape as html_escape

import odoo

from odoo.addons.mindx_helpdesk_process.tests.smtp_sink import SmtpSink

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
MAIL_DIR = os.path.join(TESTS_DIR, "mail")
MAILGATE_SHIM = os.path.join(TESTS_DIR, "mailgate")
MAILGATE = odoo.tools.misc.file_path("mail/static/scripts/odoo-mailgate.py")
# where the customers of the test emails write from
VIETNAM = timezone(timedelta(hours=7))


def wait_until(condition, timeout, what):
    """condition()'s first true value, polled for `timeout` seconds at most."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout}s")
        time.sleep(0.1)


def addresses(message, *headers):
    """The plain addresses of `headers` of a parsed email, lower case."""
    values = [str(value) for header in headers for value in message.get_all(header, [])]
    return [address.lower() for _name, address in getaddresses(values) if address]


class Outbox:
    """The local SMTP server the Odoo server sends to, running in a thread."""

    def __init__(self):
        self.sink = SmtpSink()
        self.port = self.sink.port
        self._thread = threading.Thread(target=self.sink.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self.sink.shutdown()
        self.sink.server_close()
        self._thread.join(timeout=10)

    def __len__(self):
        return len(self.sink.messages)

    def received(self, since=0):
        """The emails received (from the `since`-th on), parsed."""
        return [
            email.message_from_bytes(raw, policy=email.policy.SMTP)
            for raw in self.sink.messages[since:]
        ]


def raw_email(name, **values):
    """The email of tests/mail/`name`.eml as bytes, its placeholders filled:
    `date` (now, as in Vietnam) and `token` (unique, for the Message-ID) unless
    given, and every other one from `values` (a missing one fails)."""
    with open(os.path.join(MAIL_DIR, f"{name}.eml"), encoding="utf-8") as file:
        template = string.Template(file.read())
    values.setdefault("date", format_datetime(datetime.now(VIETNAM)))
    values.setdefault("token", uuid.uuid4().hex.upper())
    return template.substitute(values).encode("utf-8")


def mailgate(server, db, uid, password, raw):
    """Deliver `raw` (bytes) to the server as a mail server does: piped into Odoo's
    odoo-mailgate.py, which posts it to mail.thread.message_process."""
    environ = dict(os.environ)
    environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [MAILGATE_SHIM, environ.get("PYTHONPATH")])
    )
    result = subprocess.run(
        [
            sys.executable,
            MAILGATE,
            "--database",
            db,
            "--userid",
            str(uid),
            "--password",
            password,
            "--host",
            "127.0.0.1",
            "--port",
            str(server.port),
        ],
        input=raw,
        env=environ,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def gmail_reply(original, sender, words, when):
    """The reply Gmail writes to `original` (an email as received): threaded by
    In-Reply-To and References, "Re: " and its subject, to its Reply-To, the
    sender's `words` on top and the original quoted below them, in HTML (Gmail's
    gmail_quote) and in plain text ("> " lines)."""
    quoted_html = original.get_body(("html",)).get_content()
    quoted_text = original.get_body(("plain", "html")).get_content()
    attribution = "On {}, {} wrote:".format(
        format_datetime(when).rsplit(" ", 1)[0], original["From"]
    )
    reply = email.message.EmailMessage(policy=email.policy.SMTP)
    reply["MIME-Version"] = "1.0"
    reply["Date"] = format_datetime(when)
    reply["References"] = " ".join(
        filter(None, [original["References"], original["Message-Id"]])
    )
    reply["In-Reply-To"] = original["Message-Id"]
    reply["Message-ID"] = f"<CAKx{uuid.uuid4().hex.upper()}@mail.gmail.com>"
    reply["Subject"] = f"Re: {original['Subject']}"
    reply["From"] = sender
    reply["To"] = original["Reply-To"] or original["From"]
    reply.set_content(
        "{}\n\n{}\n\n{}\n".format(
            words,
            attribution,
            "\n".join(f"> {line}".rstrip() for line in quoted_text.splitlines()),
        )
    )
    escaped = html_escape(attribution)
    reply.add_alternative(
        f'<div dir="ltr">{html_escape(words)}</div><br>'
        f'<div class="gmail_quote"><div dir="ltr" class="gmail_attr">{escaped}<br>'
        '</div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;'
        'border-left:1px solid rgb(204,204,204);padding-left:1ex">'
        f"{quoted_html}</blockquote></div>\n",
        subtype="html",
    )
    return reply.as_bytes()
