# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's buttons on their ticket page match what they can do in the
process: confirm the fix once it is announced, withdraw an open request with a
reason; each says what happened, and the agent reads it as the customer's."""

from odoo.tests import tagged

from .common import HelpdeskProcessHttpCommon


@tagged("post_install", "-at_install")
class TestPortalButtons(HelpdeskProcessHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_customer = cls.portal_user.copy(
            {"login": "other_coordinator", "email": "other@school.example.com"}
        )
        # a Vietnamese customer, an English agent
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"].search(
            [("name", "=", "mindx_helpdesk_process")]
        )._update_translations("vi_VN")
        cls.portal_user.lang = "vi_VN"
        cls.agent.lang = "en_US"

    def _page(self, ticket, query=""):
        return self.url_open(f"/my/ticket/{ticket.id}{query}").text

    def _csrf(self):
        page = self.url_open("/my/tickets").text
        marker = 'csrf_token: "'
        start = page.index(marker) + len(marker)
        return page[start : page.index('"', start)]

    def _withdraw(self, ticket, reason):
        return self.url_open(
            f"/my/ticket/{ticket.id}/withdraw",
            data={"reason": reason, "csrf_token": self._csrf()},
            allow_redirects=False,
        )

    def test_open_ticket_offers_withdraw_not_stage_buttons(self):
        ticket = self._create_ticket(user_id=self.agent.id)
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self._page(ticket)
        self.assertIn("Rút yêu cầu của tôi", page)
        self.assertNotIn("xác nhận đã khắc phục", page)
        self.assertNotIn('name="stage_id"', page)  # helpdesk_mgmt's stage buttons

    def test_withdraw_with_a_reason_cancels_as_the_customers(self):
        ticket = self._create_ticket(user_id=self.agent.id)
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self._withdraw(ticket, "   ")
        self.assertEqual(response.status_code, 400)
        self.assertIn("hãy nhập lý do", response.text)  # in their language
        self.assertEqual(ticket.process_role, "new")
        response = self._withdraw(ticket, "It works again after the LMS restart")
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("mindx_done=withdrawn"))
        self.assertEqual(ticket.process_role, "cancelled")
        note = ticket.message_ids.filtered(
            lambda m: "Withdrawn by the customer (Nguyen Thi Ha)" in str(m.body)
        )
        self.assertIn("It works again after the LMS restart", str(note.body))
        self.assertTrue(note.subtype_id.internal)
        activity = ticket.activity_ids
        self.assertEqual(activity.user_id, self.agent)
        # in the agent's language, not the customer's who clicked
        self.assertEqual(
            activity.summary, "The customer withdrew the request: check the reason."
        )
        # asked by the process (OdooBot), not "assigned by" the customer
        self.assertNotEqual(activity.create_uid, self.portal_user)
        self.assertIn(
            "Yêu cầu của Anh/Chị đã được rút",
            self._page(ticket, "?mindx_done=withdrawn"),
        )
        self.assertNotIn("Rút yêu cầu của tôi", self._page(ticket))

    def test_nobody_else_withdraws(self):
        ticket = self._create_ticket()
        self.authenticate(self.other_customer.login, self.other_customer.login)
        self.assertEqual(self._withdraw(ticket, "not mine").status_code, 404)
        self.authenticate(self.agent.login, self.agent.login)
        self.assertEqual(self._withdraw(ticket, "agent").status_code, 403)
        self.assertEqual(ticket.process_role, "new")

    def test_announced_fix_offers_the_confirmation(self):
        ticket = self._create_ticket(user_id=self.agent.id)
        self._force_stage(ticket, "resolved")
        # sudo: the test's resolution email went out an hour ago (process record)
        ticket.sudo().resolution_date = self._hours_ago(1)
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self._page(ticket)
        self.assertIn("Đã hoạt động: xác nhận đã khắc phục", page)
        self.assertNotIn("Rút yêu cầu của tôi", page)
        response = self.url_open(
            "/ticket/close",
            data={"ticket_id": ticket.id, "csrf_token": self._csrf()},
            allow_redirects=False,
        )
        self.assertTrue(response.headers["Location"].endswith("mindx_done=confirmed"))
        self.assertTrue(ticket.confirmation_date)
        self.assertNotEqual(ticket.activity_ids.create_uid, self.portal_user)
        page = self._page(ticket, "?mindx_done=confirmed")
        self.assertIn("xác nhận đã được ghi nhận", page)
        self.assertNotIn("Đã hoạt động: xác nhận đã khắc phục", page)
        self.assertIn("send the closure email", ticket.activity_ids.summary)

    def test_a_colleague_sees_no_buttons_that_are_not_theirs(self):
        """A colleague of the same school reads the ticket (helpdesk_mgmt's
        portal rule) but neither confirms nor withdraws for the customer."""
        school = self.env["res.partner"].create(
            {"name": "MindX school", "is_company": True}
        )
        self.customer.parent_id = school
        colleague = self.portal_user.copy(
            {"login": "colleague_coordinator", "email": "colleague@school.example.com"}
        )
        colleague.partner_id.parent_id = school
        ticket = self._create_ticket(user_id=self.agent.id)
        self.authenticate(colleague.login, colleague.login)
        page = self._page(ticket)
        self.assertIn(ticket.name, page)
        self.assertNotIn('name="mindx_withdraw"', page)
        self.assertEqual(self._withdraw(ticket, "not mine").status_code, 403)
        self.assertEqual(ticket.process_role, "new")
