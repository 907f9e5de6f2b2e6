# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What an incoming email's headers say about how it was sent and when it arrived."""

from datetime import timedelta, timezone
from email.utils import parsedate_to_datetime

from odoo.tools import email_normalize

AUTOMATIC_PRECEDENCE = {"bulk", "auto_reply", "junk", "list"}
AUTOMATIC_SENDERS = {"mailer-daemon", "postmaster", "noreply", "no-reply"}


AUTOMATIC_HEADERS = {
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "x-autoreply-from",
    "x-auto-response-suppress",
    "precedence",
    "from",
}


def is_automatic_email(message):
    """Whether an incoming email was sent by a machine, not by a person.

    Odoo 18 handles bounces and loops but ignores Auto-Submitted and
    X-Auto-Response-Suppress: out-of-office replies and auto-responders would
    otherwise open tickets or look like customer replies.

    Reads the raw headers in one pass: message.get() parses a header into an
    object on every call, which made this check a tenth of the addon's cost on
    an inbound email.
    """
    headers = {}
    for name, value in message.raw_items():
        name = name.lower()
        if name in AUTOMATIC_HEADERS and name not in headers:
            headers[name] = str(value).strip().lower()
    auto_submitted = headers.get("auto-submitted")
    if auto_submitted and auto_submitted != "no":
        return True
    if any(
        headers.get(h) for h in ("x-autoreply", "x-autorespond", "x-autoreply-from")
    ):
        return True
    suppress = headers.get("x-auto-response-suppress", "")
    if any(token in suppress for token in ("all", "oof", "autoreply")):
        return True
    if headers.get("precedence") in AUTOMATIC_PRECEDENCE:
        return True
    sender = email_normalize(headers.get("from", "")) or ""
    return sender.split("@")[0] in AUTOMATIC_SENDERS


# how old our own mail server's trace of an email may be (mail waiting for the
# fetchmail server, a gateway down over a weekend)
MAX_ARRIVAL_AGE = timedelta(days=7)


def email_arrival(message, now):
    """When our mail server got the email: the date of its topmost Received trace.

    Every mail server on the way adds a Received header on top; the topmost is
    our server's, written when the email arrived, whatever the sender put in the
    Date header. Without a plausible one, the email arrives now.
    """
    traces = message.get_all("Received") or []
    stamp = traces[0].rsplit(";", 1)[-1].strip() if traces else ""
    try:
        arrived = parsedate_to_datetime(stamp)
    except (TypeError, ValueError, IndexError):
        return now
    if arrived.tzinfo is None:
        return now
    arrived = arrived.astimezone(timezone.utc).replace(tzinfo=None)
    return arrived if now - MAX_ARRIVAL_AGE <= arrived <= now else now
