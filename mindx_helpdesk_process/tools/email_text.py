# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a customer's email says, read without the ORM, and how their words show."""

import re
from datetime import timedelta

from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup

from odoo import fields
from odoo.tools import html2plaintext
from odoo.tools.mail import html_normalize

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


# HTML elements that start a line of text
BLOCK_TAGS = {
    "address", "blockquote", "dd", "div", "dl", "dt", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "li", "ol", "p", "pre", "section", "table", "tr", "ul",
}  # fmt: skip
# "On Sun, Dec 6, 2026 at 10:00 AM X <x@y> wrote:", "Vào CN, 6 thg 12, 2026 ... đã
# viết:": a line (or two) ending the way mail clients introduce a quote, with a
# date or an address in it ("My teacher wrote:" stays)
ATTRIBUTION = re.compile(
    r"^(?=.*(?:\d|@)).{0,300}?(?:wrote|đã viết|viết|a écrit|schrieb|escribió)\s*:\s*$",
    re.IGNORECASE,
)
# a line from which everything below is history: Outlook's plain-text separator,
# a forward, a long rule
HISTORY_START = re.compile(
    r"^\s*(?:-{2,}\s*(?:original message|forwarded message|thư gốc|thư chuyển tiếp)"
    r"\s*-{2,}|_{20,})\s*$",
    re.IGNORECASE,
)
# Outlook's header block of the quoted email: "From: ..." then, within a few
# lines, "Sent:" / "Date:" / "Subject:" ("Từ: 8h / Đến: 10h" is the customer's)
HISTORY_FROM = re.compile(r"^\s*(?:from|từ|de|von)\s*:", re.IGNORECASE)
HISTORY_NEXT = re.compile(
    r"^\s*(?:sent|date|subject|đã gửi|ngày gửi|tiêu đề|envoyé|gesendet)\s*:",
    re.IGNORECASE,
)


def customer_words(html):
    """Only what the sender wrote in a reply, as text: the quoted history that
    mail clients append (Gmail, Outlook on the web and desktop, Thunderbird,
    Apple Mail, plain-text "> " quoting) is left out.

    Odoo marks most quotes when it reads an email (data-o-mail-quote, also on a
    plain-text body once normalised); Outlook desktop's header block,
    Thunderbird's "wrote:" line and plain-text histories it does not mark are
    recognised here.
    """
    if not html or not str(html).strip():
        return ""
    root = lxml_html.fromstring(f"<div>{html_normalize(str(html))}</div>")
    for quote in root.xpath("//*[@data-o-mail-quote]"):
        if quote.getparent() is not None:
            quote.drop_tree()  # keeps the text that follows it
    for block in root.xpath(
        "//div[contains(translate(@style, 'BORDERTOP', 'bordertop'), 'border-top')]"
    ):
        if HISTORY_FROM.match(block.text_content()) and _is_header_block(
            block.text_content().splitlines()
        ):
            _drop_from(block)
            break
    written = _written_lines(_text_lines(root))
    # nothing left (a reply typed inside the quote): better all than nothing
    return written or html2plaintext(str(html)).strip()


def _is_header_block(lines):
    """A quoted email's header: "From:" followed, within a few lines, by its
    Sent/Date/Subject line."""
    following = [line for line in lines[1:] if line.strip()][:4]
    return any(HISTORY_NEXT.match(line) for line in following)


def _text_lines(root):
    """The text of an HTML tree as lines, blocks and <br> breaking them."""
    for element in root.iter(etree.Element):
        if element.tag == "br" or element.tag in BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
        if element.tag in BLOCK_TAGS:
            element.text = "\n" + (element.text or "")
    text = root.text_content().replace("\xa0", " ").replace("\u202f", " ")
    return [line.rstrip() for line in text.replace("\r", "").split("\n")]


def _written_lines(lines):
    """The lines above the history, without quoted lines and attributions.

    A line starting with ">" is a quote when it follows an attribution or has
    another one next to it; a lone one (">20 học viên") is the customer's.
    """
    kept, skip_next, attributed = [], False, False
    for index, line in enumerate(lines):
        if skip_next:
            skip_next = False
            continue
        if HISTORY_START.match(line) or (
            HISTORY_FROM.match(line) and _is_header_block(lines[index:])
        ):
            break
        if ATTRIBUTION.match(line):
            attributed = True
            continue
        if line.lstrip().startswith(">") and (
            attributed or _in_quote_run(lines, index)
        ):
            continue
        if index + 1 < len(lines) and ATTRIBUTION.match(f"{line} {lines[index + 1]}"):
            skip_next = attributed = True  # an attribution wrapped over two lines
            continue
        kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _in_quote_run(lines, index):
    """The ">" line at `index` has another ">" line just before or after it."""
    neighbours = lines[max(index - 1, 0) : index] + lines[index + 1 : index + 2]
    return any(line.lstrip().startswith(">") for line in neighbours)


def _drop_from(element):
    """Remove `element` and everything after it in the document."""
    node = element
    while node.getparent() is not None:
        parent = node.getparent()
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node.tail = None
        node = parent
    element.getparent().remove(element)
