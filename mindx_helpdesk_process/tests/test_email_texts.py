# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer emails state what the ticket records, nothing an agent would have
to delete before sending; times without seconds."""

import re

from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import HelpdeskProcessCommon

SECONDS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")


@tagged("post_install", "-at_install")
class TestEmailTexts(HelpdeskProcessCommon):
    def _text(self, step, ticket):
        template = self.env.ref(f"mindx_helpdesk_process.mail_template_{step}")
        body = template._render_field("body_html", ticket.ids)[ticket.id]
        return html2plaintext(body)

    def test_ack_names_the_class_once(self):
        ticket = self._create_ticket(users_affected=16, is_blocking=True)
        text = self._text("ack", ticket)
        self.assertIn(ticket.cos_rationale, text)
        self.assertEqual(text.count(ticket.cos_label), 1, text)
        self.assertFalse(SECONDS.search(text), text)

    def test_update_claims_nothing_the_ticket_does_not_say(self):
        ticket = self._create_ticket(users_affected=16)
        text = self._text("update", ticket)
        self.assertIn("still investigating", text)
        for claim in ("likely cause", "development team", "working on the fix"):
            self.assertNotIn(claim, text)
        # sudo: the test records the escalation's time (the process's record)
        ticket.sudo().escalation_date = self._hours_ago(1)
        text = self._text("update", ticket)
        self.assertIn("passed the details to our development team on", text)
        self.assertNotIn("working on the fix", text)
        self.assertFalse(SECONDS.search(text), text)
        ticket.sudo().dev_response_date = self._hours_ago(0)
        self.assertIn("applied a fix", self._text("update", ticket))

    def test_closure_says_how_long_a_reply_reopens(self):
        ticket = self._create_ticket()
        ticket.company_id.helpdesk_reopen_window_days = 9
        text = self._text("closure", ticket)
        self.assertIn("within 9 days", text)
        self.assertNotIn("Thank you for confirming", text)
        self.assertNotIn("monitoring", self._text("resolution", ticket))
