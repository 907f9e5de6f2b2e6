# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import HelpdeskProcessHttpCommon


@tagged("post_install", "-at_install")
class TestPortalClose(HelpdeskProcessHttpCommon):
    """helpdesk_mgmt's /ticket/close, as our process makes it behave: a POST from
    the ticket's page, a confirmation only once the ticket is resolved. Who may
    post it, and what the customer's POST may change: test_access_http.py."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    def _close_from_portal(self, ticket, login):
        """Click the ticket page's close button: a POST with the page's CSRF token."""
        self.authenticate(login, login)
        page = self.url_open("/my/tickets").text
        marker = 'csrf_token: "'
        start = page.index(marker) + len(marker)
        return self.url_open(
            "/ticket/close",
            data={
                "ticket_id": ticket.id,
                "stage_id": self.done.id,
                "csrf_token": page[start : page.index('"', start)],
            },
            allow_redirects=False,
        )

    def test_close_is_a_post_with_the_token_on_the_page(self):
        """A GET (a link in an email, an image on another site) changes nothing."""
        ticket = self._force_stage(self._create_ticket(), "resolved")
        ticket.sudo().resolution_date = self._hours_ago(1)
        self.authenticate("ha_coordinator", "ha_coordinator")
        response = self.url_open(
            f"/ticket/close?ticket_id={ticket.id}&stage_id={self.done.id}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 405)
        ticket.invalidate_recordset()
        self.assertFalse(ticket.confirmation_date)
        page = self.url_open(f"/my/ticket/{ticket.id}").text
        form = page[page.index('action="/ticket/close"') - 200 :][:800]
        self.assertIn('method="POST"', form)
        self.assertIn('name="csrf_token"', form)

    def test_own_unresolved_ticket_not_closed(self):
        ticket = self._force_stage(
            self._create_ticket(user_id=self.agent.id), "in_progress"
        )
        response = self._close_from_portal(ticket, "ha_coordinator")
        self.assertEqual(response.status_code, 303)
        ticket.invalidate_recordset()
        self.assertEqual(ticket.stage_id.process_role, "in_progress")
        self.assertFalse(ticket.confirmation_date)
        self.assertIn("before the resolution email", ticket.activity_ids.summary)


@tagged("post_install", "-at_install")
class TestPortalPage(HelpdeskProcessHttpCommon):
    """The customer's ticket page: what the process shows them, what it hides.
    Who may open which page: test_access_http.py."""

    def test_customer_sees_class_status_and_no_internal_note(self):
        ticket = self._create_ticket(users_affected=16, is_blocking=True)
        ticket.message_post(
            body="SECRET-INTERNAL-FINDING pool 85% full",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        ticket.sudo().write({"investigation_findings": "SECRET-FINDING-FIELD"})
        self.authenticate("ha_coordinator", "ha_coordinator")
        response = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn(ticket.name, html)
        self.assertIn("Priority", html)
        self.assertIn("Received: we will confirm it to you shortly.", html)
        self.assertNotIn("SECRET-INTERNAL-FINDING", html)
        self.assertNotIn("SECRET-FINDING-FIELD", html)
