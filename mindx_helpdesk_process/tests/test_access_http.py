# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may do what, through the portal's routes as a browser calls them: the
ticket list and page, /ticket/close (and the sudo() behind it), attachments."""

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import AccessFixtures, HelpdeskProcessHttpCommon


@tagged("post_install", "-at_install")
class TestAccessHttp(AccessFixtures, HelpdeskProcessHttpCommon):
    """The same rules through the portal's routes, as a browser would call them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_access_fixtures()
        cls.attachment = cls.env["ir.attachment"].create(
            {
                "name": "screenshot-lms.txt",
                "raw": b"LMS-SCREENSHOT-CONTENT",
                "res_model": "helpdesk.ticket",
                "res_id": cls.tickets["ticket"].id,
            }
        )

    def _login(self, login):
        self.authenticate(login, login)

    def test_my_tickets_lists_what_the_rules_allow(self):
        """/my/tickets: the customer sees their tickets, never another customer's
        nor another company's; an employee sees their own request."""
        names = {key: ticket.name for key, ticket in self.tickets.items()}
        expected = {
            "ha_coordinator": {"ticket", "ticket_own", "ticket_other_team"},
            "other_coordinator": set(),
            "mindx_employee": {"ticket_employee"},
        }
        for login, keys in expected.items():
            with self.subTest(login=login):
                self._login(login)
                response = self.url_open("/my/tickets")
                self.assertEqual(response.status_code, 200)
                for key, name in names.items():
                    if key in keys:
                        self.assertIn(name, response.text)
                    else:
                        self.assertNotIn(name, response.text)

    def test_ticket_page_by_role(self):
        """/my/ticket/<id>: the page for who may read the ticket, a redirect to
        /my (nothing of the ticket) for everyone else."""
        ticket_b = self.tickets["ticket_b"]
        cases = [
            ("ha_coordinator", self.tickets["ticket"], True),
            ("ha_coordinator", ticket_b, False),
            ("other_coordinator", self.tickets["ticket"], False),
            ("mindx_employee", self.tickets["ticket"], False),
            ("mindx_employee", self.tickets["ticket_employee"], True),
        ]
        for login, ticket, allowed in cases:
            with self.subTest(login=login, ticket=ticket.name):
                self._login(login)
                response = self.url_open(
                    f"/my/ticket/{ticket.id}", allow_redirects=False
                )
                if allowed:
                    self.assertEqual(response.status_code, 200)
                    self.assertIn(ticket.name, response.text)
                    self.assertIn("Status:", response.text)
                else:
                    self.assertEqual(response.status_code, 303)
                    self.assertNotIn(ticket.name, response.text)

    def _close(self, ticket, login, csrf=True, **extra):
        self._login(login)
        data = {"ticket_id": ticket.id, **extra}
        if csrf:
            data["csrf_token"] = self.csrf_token()
        return self.url_open("/ticket/close", data=data, allow_redirects=False)

    def _resolved(self, key):
        ticket = self.tickets[key]
        self._force_stage(ticket, "resolved")
        ticket.sudo().resolution_date = self._hours_ago(1)
        return ticket

    def csrf_token(self):
        """The token a page of the portal would embed for the logged-in session."""
        response = self.url_open("/my/tickets")
        marker = 'csrf_token: "'
        start = response.text.index(marker) + len(marker)
        return response.text[start : response.text.index('"', start)]

    def test_close_route_posts_only_the_customers_confirmation(self):
        """Covers the `sudo()` in `_process_customer_confirmation` reached by the
        /ticket/close controller (as the customer): the customer's POST confirms
        their resolved ticket (the confirmation step, logged as the customer's,
        and the assignee asked to send the closure email), and nothing else it
        carries (stage, fields)
        reaches the ticket."""
        ticket = self._resolved("ticket")
        response = self._close(
            ticket,
            "ha_coordinator",
            stage_id=self.stage_by_role["closed"].id,
            closure_date="2026-11-28 23:06:00",
            customer_confirmation="<script>alert(1)</script>",
        )
        self.assertEqual(response.status_code, 303)
        ticket.invalidate_recordset()
        self.assertTrue(ticket.confirmation_date)
        self.assertFalse(ticket.closure_date)
        self.assertEqual(ticket.stage_id.process_role, "resolved")
        self.assertEqual(
            ticket.customer_confirmation, "Confirmed by the customer from the portal."
        )
        log = ticket.process_step_ids.filtered(lambda s: s.step == "confirm")
        self.assertEqual(log.user_id, self.portal_user)
        activity = ticket.activity_ids
        self.assertEqual(activity.user_id, self.agent)
        self.assertIn("send the closure email", activity.summary)
        with self.assertRaises(AccessError):
            ticket.with_user(self.portal_user).write({"customer_confirmation": "Hi"})

    def test_close_route_refuses_other_tickets(self):
        """The same sudo cannot be aimed at a ticket the user may not read: another
        customer's (the hole helpdesk_mgmt 18.0.1.19.5 has: any portal user closes
        any ticket), another company's, a follower-less employee's, or nonsense
        and unknown ids. All are 404 and leave the ticket as it was: stage,
        confirmation and chatter."""
        ticket = self._resolved("ticket")
        ticket_b = self.tickets["ticket_b"]
        ticket_b.sudo().resolution_date = self._hours_ago(1)
        before = {
            record: (record.stage_id, len(record.message_ids))
            for record in (ticket, ticket_b)
        }
        for login, target in (
            ("other_coordinator", ticket.id),
            ("mindx_employee", ticket.id),
            ("ha_coordinator", ticket_b.id),
            ("ha_coordinator", "-1"),
            ("ha_coordinator", "1 OR 1=1"),
            ("ha_coordinator", "999999"),
        ):
            with self.subTest(login=login, ticket=target):
                self._login(login)
                response = self.url_open(
                    "/ticket/close",
                    data={
                        "ticket_id": target,
                        "stage_id": self.stage_by_role["closed"].id,
                        "csrf_token": self.csrf_token(),
                    },
                    allow_redirects=False,
                )
                self.assertEqual(response.status_code, 404)
        for record in (ticket, ticket_b):
            record.invalidate_recordset()
            self.assertFalse(record.confirmation_date)
            self.assertEqual((record.stage_id, len(record.message_ids)), before[record])

    @mute_logger("odoo.http")
    def test_close_route_post_needs_the_csrf_token(self):
        """A POST without the session's token (another site's form) is refused."""
        ticket = self._resolved("ticket")
        response = self._close(ticket, "ha_coordinator", csrf=False)
        self.assertEqual(response.status_code, 400)
        ticket.invalidate_recordset()
        self.assertFalse(ticket.confirmation_date)

    def test_ticket_attachment_by_role(self):
        """/web/content of a ticket's attachment: the customer through the link of
        their ticket's page (its access token), the helpdesk directly; nobody else,
        and not by guessing the id."""
        self._login("ha_coordinator")
        page = self.url_open(f"/my/ticket/{self.tickets['ticket'].id}").text
        self.assertIn(f"/web/content/{self.attachment.id}?download=true", page)
        token = self.attachment.sudo().access_token
        self.assertTrue(token)
        bare = f"/web/content/{self.attachment.id}?download=true"
        for login, url, allowed in (
            ("ha_coordinator", f"{bare}&access_token={token}", True),
            ("mindx_agent", bare, True),
            ("ha_coordinator", f"{bare}&access_token=not-the-token", False),
            ("other_coordinator", bare, False),
            ("mindx_employee", bare, False),
            ("mindx_own_agent", bare, False),
            ("mindx_team_agent", bare, True),
            ("mindx_manager_b", bare, False),
        ):
            with self.subTest(login=login, url=url):
                self._login(login)
                response = self.url_open(url, allow_redirects=False)
                if allowed:
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response.content, b"LMS-SCREENSHOT-CONTENT")
                else:
                    self.assertIn(response.status_code, (403, 404))
                    self.assertNotIn(b"LMS-SCREENSHOT-CONTENT", response.content)
