# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import HelpdeskProcessHttpCommon


@tagged("post_install", "-at_install")
class TestPortalClose(HelpdeskProcessHttpCommon):
    """helpdesk_mgmt's /ticket/close, as our process makes it behave."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_customer = cls.env["res.users"].create(
            {
                "name": "Another Coordinator",
                "login": "other_coordinator",
                "password": "other_coordinator",
                "email": "other@customer.example.com",
                "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])],
            }
        )
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
        ticket.sudo().resolution_date = "2026-11-28 23:05:00"
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

    def test_other_customers_ticket_refused(self):
        """The hole helpdesk_mgmt 18.0.1.19.5 has: any portal user closes any ticket."""
        ticket = self._force_stage(self._create_ticket(), "resolved")
        ticket.sudo().resolution_date = "2026-11-28 23:05:00"
        messages_before = len(ticket.message_ids)
        response = self._close_from_portal(ticket, "other_coordinator")
        self.assertEqual(response.status_code, 404)
        ticket.invalidate_recordset()
        self.assertEqual(ticket.stage_id.process_role, "resolved")
        self.assertFalse(ticket.confirmation_date)
        self.assertEqual(len(ticket.message_ids), messages_before)

    def test_unknown_ticket_is_not_found(self):
        response = self._close_from_portal(
            self.env["helpdesk.ticket"].browse(999999), "ha_coordinator"
        )
        self.assertEqual(response.status_code, 404)

    def test_own_resolved_ticket_counts_as_confirmation(self):
        ticket = self._force_stage(
            self._create_ticket(user_id=self.agent.id), "resolved"
        )
        ticket.sudo().resolution_date = "2026-11-28 23:05:00"
        response = self._close_from_portal(ticket, "ha_coordinator")
        self.assertEqual(response.status_code, 303)
        ticket.invalidate_recordset()
        self.assertTrue(ticket.confirmation_date)
        self.assertEqual(
            ticket.customer_confirmation, "Confirmed by the customer from the portal."
        )
        log = ticket.process_step_ids.filtered(lambda s: s.step == "confirm")
        self.assertEqual(log.user_id, self.portal_user)
        self.assertEqual(ticket.stage_id.process_role, "resolved", "no step skipped")
        activity = ticket.activity_ids
        self.assertEqual(activity.user_id, self.agent)
        self.assertIn("send the closure email", activity.summary)

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

    def test_other_customers_ticket_page_refused(self):
        ticket = self._create_ticket()
        other = self.env["res.users"].create(
            {
                "name": "Another Coordinator",
                "login": "other_coordinator",
                "password": "other_coordinator",
                "email": "other@customer.example.com",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        self.authenticate(other.login, other.login)
        response = self.url_open(f"/my/ticket/{ticket.id}", allow_redirects=False)
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(ticket.name, response.text)
