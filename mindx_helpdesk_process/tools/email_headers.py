# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Email headers: what an incoming email's say about how it was sent and when it
arrived; how an outgoing email's free text is folded so that it reads right."""

import base64
from datetime import timedelta, timezone
from email import headerregistry
from email.utils import parsedate_to_datetime

from odoo.tools import email_normalize

from odoo.addons.base.models.ir_mail_server import (
    RFC5322_IDENTIFICATION_HEADERS,
    IdentificationFieldsNoFoldPolicy,
)

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


# RFC 2047 ▸ 2: an encoded word is at most 75 characters
ENCODED_WORD_MAX = 75


def _encoded_word(text):
    return "=?utf-8?b?{}?=".format(base64.b64encode(text.encode()).decode("ascii"))


def fold_encoded(name, value, max_length=78, linesep="\r\n"):
    """`Name: value` for a header with non-ASCII text, folded so that decoding
    gives `value` back exactly.

    Readers drop the whitespace between two encoded words (RFC 2047 ▸ 6.2); the
    standard library of Python 3.10–3.12 folds a long header at a space between
    two words it encodes separately, and the space is lost ("LMS rấtchậm",
    CPython gh-92081 / gh-144156). Here every space of the text is carried
    inside an encoded word; the encoded words are separated by folding only.
    Leading plain ASCII words ("Re: [HT00042]") stay readable.
    """
    head = f"{name}: "
    words = value.split(" ")
    plain = 0
    while (
        plain < len(words) - 1
        and words[plain].isascii()
        and words[plain].isprintable()
        and words[plain]
        and "=?" not in words[plain]
        and len(head) + len(" ".join(words[: plain + 1])) + 21 < max_length
    ):
        plain += 1
    rest = value
    if plain and words[plain]:  # the encoded rest may not start with a space
        head += " ".join(words[:plain]) + " "
        rest = " ".join(words[plain:])
    lines, line, run = [], head, ""
    for char in rest:
        room = min(ENCODED_WORD_MAX, max_length - len(line))
        if run and len(_encoded_word(run + char)) > room:
            lines.append(line + _encoded_word(run))
            line, run = " ", ""
        run += char
    lines.append(line + (_encoded_word(run) if run else ""))
    return linesep.join(lines) + linesep


def fold_plain(name, value, max_length=78, linesep="\r\n"):
    """`Name: value` for a long ASCII header, folded before existing spaces only
    (unfolding restores it), its first word on the name's line."""
    first, *others = value.split(" ")
    lines, line = [], f"{name}: {first}"
    for word in others:
        if len(line) + 1 + len(word) > max_length:
            lines.append(line)
            line = ""
        line += " " + word
    lines.append(line)
    return linesep.join(lines) + linesep


# the free-text headers folded here; the others (addresses, List-*, ids) are the
# standard library's to fold
FOLDED_HEADERS = {"subject", "thread-topic"}


class HeaderFoldingPolicy(IdentificationFieldsNoFoldPolicy):
    """Odoo's SMTP policy, folding the subject so that it decodes back exactly:
    see fold_encoded."""

    def _fold(self, name, value, *args, **kwargs):
        if (
            name.lower() in FOLDED_HEADERS
            and isinstance(value, headerregistry.UnstructuredHeader)
            and self.max_line_length
            and name.lower() not in RFC5322_IDENTIFICATION_HEADERS
        ):
            text = str(value)
            if (not text.isascii() or "=?" in text) and not self.utf8:
                return fold_encoded(name, text, self.max_line_length, self.linesep)
            if (
                text.isascii()
                and "  " not in text
                and "\t" not in text
                and len(name) + 2 + len(text) > self.max_line_length
            ):
                return fold_plain(name, text, self.max_line_length, self.linesep)
        return super()._fold(name, value, *args, **kwargs)
