# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a customer's email says, read without the ORM, and how their words show."""

import re
from datetime import timedelta

from markupsafe import Markup

from odoo import fields

# "users affected: 15", "15 users", "15 học viên" (students), "15 người dùng"
USERS_AFFECTED_PATTERNS = [
    r"(?:users? affected|affected users?|số người bị ảnh hưởng)\s*[:=]?\s*(\d{1,6})",
    r"(\d{1,6})\s*(?:users|students|học viên|học sinh|người dùng|sinh viên)\b",
]
# an email's hint above this is not trusted (the field itself allows more)
MAX_SUGGESTED_USERS = 10_000
# how much earlier than its arrival an email's Date may be (the customer's Send)
EMAIL_DATE_TOLERANCE = timedelta(minutes=5)
# a ticket number in a subject: "Re: [HT00003] ..."
TICKET_NUMBER_IN_SUBJECT = re.compile(r"\[([A-Z]{1,10}\d{3,})\]")


def text_as_html(text):
    """Text (a customer's words) as HTML that shows it as written: escaped, line
    breaks kept, no link made clickable (plaintext2html would)."""
    return Markup("<p>{}</p>").format(Markup("<br/>").join(str(text).splitlines()))


def users_affected_hint(text):
    """'users affected: 15' or '15 học viên' in the email, within a sane range
    (0: no hint)."""
    for pattern in USERS_AFFECTED_PATTERNS:
        match = re.search(pattern, text, flags=re.IGNORECASE)
        if match and 1 <= int(match.group(1)) <= MAX_SUGGESTED_USERS:
            return int(match.group(1))
    return 0


def ticket_number_in_subject(subject):
    """The ticket number a subject names, or None."""
    match = TICKET_NUMBER_IN_SUBJECT.search(subject or "")
    return match.group(1) if match else None


def received_date(date_string, arrival):
    """When an email counts as received: its Date header (as mail.thread parses
    it, "YYYY-MM-DD HH:MM:SS" UTC) when that is at most
    EMAIL_DATE_TOLERANCE before `arrival` (the customer pressed Send), else the
    arrival. Returns (received, trusted): trusted is False when the header was
    missing, unreadable, backdated or in the future beyond the tolerance.

    The Date header is the sender's to write: backdated, it would make a ticket
    arrive breached; in the future, restart the clock.
    """
    try:
        written = fields.Datetime.to_datetime(date_string) if date_string else None
    except ValueError:
        written = None
    if written and arrival - EMAIL_DATE_TOLERANCE <= written <= arrival:
        return written, True
    if written and arrival < written <= arrival + EMAIL_DATE_TOLERANCE:
        return arrival, True  # the sender's clock is a little fast
    return arrival, False
