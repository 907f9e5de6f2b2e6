# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A customer's reply means what they wrote, not the history their mail client
quotes below it: Gmail, Outlook (web and desktop), Thunderbird, Apple Mail and
plain-text quoting, in English and Vietnamese."""

from datetime import timezone
from email.utils import format_datetime as email_date

from odoo import fields
from odoo.tests import tagged

from ..tools.email_text import customer_words
from .common import INBOUND_EMAIL, HelpdeskProcessCommon

SUPPORT = "MindX Support &lt;support@mindx.example.com&gt;"
OUR_EMAIL = (
    "<p>Chào Anh/Chị,</p><p>Sự cố LMS đã được khắc phục.</p>"
    "<p>Trân trọng,<br>MindX Support</p>"
)
OUR_TEXT = "Chào Anh/Chị,\nSự cố LMS đã được khắc phục.\nTrân trọng,\nMindX Support"
REPLIES = {
    "gmail": (
        '<div dir="ltr">Hi, the LMS is still very slow today.<div>Could you check '
        'again?</div></div><br><div class="gmail_quote"><div dir="ltr" '
        'class="gmail_attr">On Sun, Dec 6, 2026 at 10:00\u202fAM '
        f"{SUPPORT} wrote:<br></div>"
        f'<blockquote class="gmail_quote">{OUR_EMAIL}</blockquote></div>',
        "Hi, the LMS is still very slow today.\nCould you check again?",
    ),
    "gmail_vietnamese_signature": (
        '<div dir="ltr"><div>Dạ em vẫn không đăng nhập được ạ.</div><div><br></div>'
        '<span class="gmail_signature_prefix">-- </span><br><div dir="ltr" '
        'class="gmail_signature">Nguyễn Thị Lan<br>Giáo viên</div></div><br>'
        '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">Vào CN, 6 thg '
        f"12, 2026 vào lúc 10:00 {SUPPORT} đã viết:<br></div>"
        f'<blockquote class="gmail_quote">{OUR_EMAIL}</blockquote></div>',
        "Dạ em vẫn không đăng nhập được ạ.",
    ),
    "outlook_web": (
        '<div class="elementToProof">Chào anh, lỗi vẫn còn ạ.</div>'
        '<div id="appendonsend"></div><hr style="display:inline-block;width:98%">'
        f'<div id="divRplyFwdMsg" dir="ltr"><b>From:</b> {SUPPORT}<br><b>Sent:</b> '
        "Sunday, December 6, 2026 10:00 AM<br><b>Subject:</b> [HT00042] Đã khắc "
        f'phục</div><div class="BodyFragment">{OUR_EMAIL}</div>',
        "Chào anh, lỗi vẫn còn ạ.",
    ),
    "outlook_desktop": (
        '<div class="WordSection1"><p class="MsoNormal">Still broken on my side.</p>'
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt">'
        f'<p class="MsoNormal"><b>From:</b> {SUPPORT}<br><b>Sent:</b> Sunday, '
        "December 6, 2026 10:00 AM</p></div>"
        f"{OUR_EMAIL}</div>",
        "Still broken on my side.",
    ),
    "thunderbird": (
        "<p>Vẫn chưa được ạ, em gửi lại ảnh chụp màn hình.</p>"
        '<div class="moz-cite-prefix">On 12/6/26 10:00 AM, MindX Support wrote:'
        f'<br></div><blockquote type="cite">{OUR_EMAIL}</blockquote>',
        "Vẫn chưa được ạ, em gửi lại ảnh chụp màn hình.",
    ),
    "apple_mail": (
        '<div dir="auto">OK thanks, it works now.<br><br><blockquote type="cite">'
        f"On 6 Dec 2026, at 10:00, {SUPPORT} wrote:<br><br></blockquote>"
        f'<blockquote type="cite">{OUR_EMAIL}</blockquote></div>',
        "OK thanks, it works now.",
    ),
    "plain_original_message": (
        "<pre>Still broken.\nPlease call me.\n\n-----Original Message-----\n"
        "From: MindX Support\nSent: Sunday, December 6, 2026 10:00 AM\n\n"
        f"{OUR_TEXT}</pre>",
        "Still broken.\nPlease call me.",
    ),
    "plain_quoted_vietnamese": (
        "<pre>Em cảm ơn, đã đăng nhập được rồi ạ.\n\nVào CN, 6 thg 12, 2026 vào lúc "
        "10:00 MindX Support &lt;support@mindx.example.com&gt;\nđã viết:\n\n"
        + "".join(f"&gt; {line}\n" for line in OUR_TEXT.splitlines())
        + "</pre>",
        "Em cảm ơn, đã đăng nhập được rồi ạ.",
    ),
    "times_not_headers": (
        "<p>Từ: 8h sáng nay<br>Đến: 10h, 35 học viên không nộp được bài</p>",
        "Từ: 8h sáng nay\nĐến: 10h, 35 học viên không nộp được bài",
    ),
    "a_lone_greater_than": (
        "<pre>&gt;20 học viên không nộp bài được</pre>",
        ">20 học viên không nộp bài được",
    ),
    "no_quote": (
        "<p>My teacher wrote: the class starts at 18:00.</p>",
        "My teacher wrote: the class starts at 18:00.",
    ),
}

HTML_REPLY = """Return-Path: <{email_from}>
To: {to}
Message-ID: {msg_id}
From: {email_from}
MIME-Version: 1.0
Subject: {subject}
{extra}Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8

(plain alternative)
--alt
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

{html}
--alt--
"""


@tagged("post_install", "-at_install")
class TestCustomerWords(HelpdeskProcessCommon):
    def test_quoted_history_left_out(self):
        for name, (html, written) in REPLIES.items():
            self.assertEqual(customer_words(html), written, name)
        self.assertEqual(customer_words(False), "")
        # typed inside the quote only: the whole text rather than nothing
        self.assertIn(
            "See inline",
            customer_words(
                '<div class="gmail_quote"><blockquote>See inline</blockquote></div>'
            ),
        )

    def _resolved_ticket(self):
        with self.mock_mail_gateway():
            ticket = self._receive_email(
                "LMS chậm", msg_id="<first@customer.example.com>"
            )
        ticket.user_id = self.agent
        self._force_stage(ticket, "resolved")
        # sudo: the test's resolution email went out an hour ago (process record)
        ticket.sudo().resolution_date = self._hours_ago(1)
        return ticket

    def _reply(self, template, **values):
        """The customer's reply to the first email, through the mail gateway."""
        with self.mock_mail_gateway():
            self.format_and_process(
                template,
                '"Nguyen Thi Ha" <ha.nguyen@customer.example.com>',
                self.team_alias_email,
                subject="Re: [HT] LMS chậm",
                target_model="helpdesk.ticket",
                msg_id="<reply@customer.example.com>",
                extra="In-Reply-To: <first@customer.example.com>\n",
                **values,
            )

    def test_reply_to_the_resolution_suggests_only_the_customers_words(self):
        """Through the mail gateway: a Gmail reply quoting our email; the
        suggestion, the agent's activity and the confirmation hold only the
        customer's words."""
        ticket = self._resolved_ticket()
        html, written = REPLIES["gmail_vietnamese_signature"]
        self._reply(HTML_REPLY, html=html)
        self.assertEqual(ticket.confirmation_suggestion, written)
        self.assertNotIn("khắc phục", ticket.activity_ids.note)
        self.assertIn("không đăng nhập được", ticket.activity_ids.note)
        action = ticket.with_user(self.agent).action_process_confirm_suggestion()
        self.assertEqual(action["context"]["default_customer_confirmation"], written)

    def test_plain_text_reply_with_quoted_lines(self):
        ticket = self._resolved_ticket()
        html, written = REPLIES["plain_quoted_vietnamese"]
        text = html.removeprefix("<pre>").removesuffix("</pre>")
        self._reply(
            INBOUND_EMAIL,
            date=email_date(fields.Datetime.now().replace(tzinfo=timezone.utc)),
            return_path="ha.nguyen@customer.example.com",
            body=text.replace("&gt;", ">").replace("&lt;", "<"),
        )
        self.assertEqual(ticket.confirmation_suggestion, written)
