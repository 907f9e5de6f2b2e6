# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HelpdeskProcessCommon


@tagged("post_install", "-at_install")
class TestMailGateway(HelpdeskProcessCommon):
    """Smoke test of the inbound path later features build on."""

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_email_to_team_alias_creates_ticket(self):
        with self.mock_mail_gateway():
            ticket = self._receive_email(
                "LMS rất chậm - lớp WEB101-HN-2024",
                body="Chào team,\n15 học viên không nộp được bài.\nHa",
            )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.stage_id.process_role, "new")
        self.assertIn("15 học viên", ticket.description)
        first = ticket.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(first.author_id, self.customer)

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_reply_is_threaded_on_ticket(self):
        with self.mock_mail_gateway():
            ticket = self._receive_email(
                "LMS slow", msg_id="<first@customer.example.com>"
            )
            self._receive_email(
                "Re: LMS slow",
                body="Chị đã test lại rồi, hệ thống giờ đã nhanh trở lại.",
                msg_id="<second@customer.example.com>",
                extra="In-Reply-To: <first@customer.example.com>\n"
                "References: <first@customer.example.com>\n",
            )
        self.assertEqual(
            self.env["helpdesk.ticket"].search_count([("name", "ilike", "LMS slow")]), 1
        )
        self.assertIn(
            "nhanh trở lại",
            "".join(ticket.message_ids.mapped("body")),
        )

    def test_outgoing_mail_is_faked_in_tests(self):
        """Outside mock_mail_gateway, a test run must not reach for a real SMTP server.

        Under pytest this holds only thanks to the repository's conftest.py (Odoo 18's
        pytest-odoo does not mark the running test); a mail that really tried SMTP
        would end in state "exception".
        """
        mail = self.env["mail.mail"].create(
            {
                "email_to": self.customer.email,
                "subject": "ACK",
                "body_html": "<p>We are on it.</p>",
            }
        )
        mail.send()
        self.assertEqual(mail.state, "sent")
