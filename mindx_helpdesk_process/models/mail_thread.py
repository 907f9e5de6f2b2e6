# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import codecs
import logging
from datetime import timedelta, timezone
from email.utils import parsedate_to_datetime

from odoo import api, fields, models
from odoo.tools import email_normalize

_logger = logging.getLogger(__name__)

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


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_route(
        self, message, message_dict, model=None, thread_id=None, custom_values=None
    ):
        """An automatic email never opens a helpdesk ticket.

        Replies to an existing ticket are still stored on it (logged once), but
        helpdesk.ticket.message_update gives them no effect.
        """
        routes = super().message_route(
            message,
            message_dict,
            model=model,
            thread_id=thread_id,
            custom_values=custom_values,
        )
        if not is_automatic_email(message):
            return routes
        kept = [r for r in routes if not (r[0] == "helpdesk.ticket" and not r[1])]
        if len(kept) != len(routes):
            _logger.info(
                "Automatic email %s from %s: no helpdesk ticket created",
                message_dict.get("message_id"),
                message_dict.get("email_from"),
            )
        return kept

    def _message_parse_extract_payload(
        self, message, message_dict, save_original=False
    ):
        """Read a body whose declared charset Python does not know as UTF-8.

        Odoo 18 crashes on such emails (LookupError), and the customer's email would
        be lost; undecodable bytes become replacement characters instead.
        """
        try:
            return super()._message_parse_extract_payload(
                message, message_dict, save_original=save_original
            )
        except LookupError:
            for part in message.walk():
                charset = part.get_content_charset()
                try:
                    codecs.lookup(charset or "utf-8")
                except LookupError:
                    _logger.info("Unknown charset %r read as UTF-8", charset)
                    part.set_param("charset", "utf-8")
            return super()._message_parse_extract_payload(
                message, message_dict, save_original=save_original
            )

    def _message_route_process(self, message, message_dict, routes):
        """Tell the receiving record whether a machine wrote this (message_update)
        and when our mail server got it (message_new's received time)."""
        arrival = email_arrival(message, fields.Datetime.now())
        return super(
            MailThread,
            self.with_context(
                mindx_incoming_automatic=is_automatic_email(message),
                mindx_email_arrival=fields.Datetime.to_string(arrival),
            ),
        )._message_route_process(message, message_dict, routes)
