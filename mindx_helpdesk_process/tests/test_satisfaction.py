# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's satisfaction (OCA's helpdesk_mgmt_rating): the closure email
asks for the rating, the customer rates through Odoo's rating pages in their
language, an unhappy rating opens a follow-up for the team leader."""

import re

from odoo.tests import tagged

from .. import hooks
from ..models.helpdesk_ticket_stage import RATING_TEMPLATES_PARAM
from .common import SATISFY, HelpdeskProcessCommon, HelpdeskProcessHttpCommon

RATING_LINK = re.compile(r'href="[^"]*/rate/([\w-]+)/([135])"')


class SatisfactionFixtures:
    @classmethod
    def _resolved_ticket(cls, **values):
        """A ticket fixed, announced and confirmed: the closure email is next."""
        ticket = cls._create_ticket(
            user_id=cls.agent.id, received_date=cls._hours_ago(2), **values
        )
        cls._force_stage(ticket, "resolved")
        ticket.write({**SATISFY["resolve"], **SATISFY["confirm"]})
        return ticket

    @classmethod
    def _load_vietnamese(cls):
        """The rating pages are Odoo's rating module's: its Vietnamese too."""
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"].search(
            [("name", "in", ("rating", "mindx_helpdesk_process"))]
        )._update_translations("vi_VN", overwrite=True)


@tagged("post_install", "-at_install")
class TestSatisfaction(SatisfactionFixtures, HelpdeskProcessCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # an admin set helpdesk_mgmt_rating's template on the Done stage: the
        # closure email asks anyway, the stage sends no second email
        cls.stage_by_role["closed"].rating_mail_template_id = cls.env.ref(
            "helpdesk_mgmt_rating.rating_ticket_email_template"
        )

    def _close(self, ticket):
        """The closure email, then the final summary that moves it to Done."""
        with self.mock_mail_gateway():
            self._send_step_email(ticket, "close")
            self._log_step(ticket, "summary", lessons_learned="Index the table")
        self.assertEqual(ticket.process_role, "closed")
        return [
            mail for mail in self._mails if self.customer.email in mail["email_to"][0]
        ]

    def test_one_email_at_closure_with_the_rating_links(self):
        ticket = self._resolved_ticket()
        (mail,) = self._close(ticket)
        self.assertIn(f"[{ticket.number}] Closed", mail["subject"])
        links = RATING_LINK.findall(mail["body"])
        self.assertEqual([rate for __, rate in links], ["5", "3", "1"])
        (rating,) = ticket.rating_ids
        self.assertEqual({token for token, __ in links}, {rating.access_token})
        self.assertEqual(rating.partner_id, self.customer)
        self.assertFalse(rating.consumed, "asked, not rated yet")
        self.assertIn(f"{ticket.get_base_url()}/rate/", mail["body"], "absolute")

    def test_no_rating_asked_when_the_ticket_says_no_rating(self):
        ticket = self._resolved_ticket(rating_status="no_rate")
        (mail,) = self._close(ticket)
        self.assertFalse(RATING_LINK.findall(mail["body"]))
        self.assertFalse(ticket.rating_ids)

    def test_vietnamese_closure_email_asks_in_vietnamese(self):
        self._load_vietnamese()
        self.customer.lang = "vi_VN"
        ticket = self._resolved_ticket()
        (mail,) = self._close(ticket)
        self.assertIn("Anh/Chị hài lòng", mail["body"])
        self.assertNotIn("How did we do", mail["body"])
        self.assertEqual(len(RATING_LINK.findall(mail["body"])), 3)

    def test_stage_rating_email_still_sent_outside_closure(self):
        """helpdesk_mgmt_rating's stage emails keep working on other stages."""
        waiting = self.stage_by_role["waiting"]
        waiting.rating_mail_template_id = self.env.ref(
            "helpdesk_mgmt_rating.rating_ticket_email_template"
        )
        ticket = self._create_ticket(user_id=self.agent.id)
        self._force_stage(ticket, "in_progress")
        with self.mock_mail_gateway():
            self._force_stage(ticket, "waiting")
        self.assertTrue(ticket.rating_ids, "the stage's rating request was sent")

    def _rate(self, ticket, rate, feedback="", token=None):
        """What the rating route does with the customer's click (sudo, token)."""
        token = token or ticket._rating_get_access_token()
        return ticket.sudo().rating_apply(rate, token=token, feedback=feedback)

    def _follow_ups(self, ticket):
        return ticket.activity_ids.filtered(lambda a: "Unhappy" in a.summary)

    def test_unhappy_rating_asks_the_team_leader_in_their_language(self):
        self._load_vietnamese()
        self.manager.lang = "vi_VN"
        ticket = self._resolved_ticket()
        rating = self._rate(ticket, 1, "Quá chậm, lớp học bị gián đoạn")
        self.assertTrue(rating.consumed)
        (activity,) = ticket.activity_ids
        self.assertEqual(activity.user_id, self.manager, "the team's leader")
        self.assertIn("Khách hàng không hài lòng", activity.summary)
        self.assertIn("lớp học bị gián đoạn", activity.note)
        # the comment in the chatter, as helpdesk_mgmt_rating posts it
        message = ticket.message_ids.filtered(lambda m: m.rating_id == rating)
        self.assertIn("lớp học bị gián đoạn", message.body)
        # the customer changes their comment: no second follow-up
        self._rate(ticket, 1, "Quá chậm", token=rating.access_token)
        self.assertEqual(len(ticket.activity_ids), 1)

    def test_happy_or_okay_rating_asks_nothing(self):
        for rate in (5, 3):
            ticket = self._resolved_ticket()
            self._rate(ticket, rate, "Thanks")
            self.assertFalse(self._follow_ups(ticket), rate)

    def test_share_of_happy_ratings_in_one_query(self):
        """helpdesk_mgmt_rating's percentage, as its own compute gives it (Odoo's
        grades), for many tickets at once."""
        tickets = [self._resolved_ticket() for _i in range(3)]
        for ticket, rates in zip(tickets, [(5, 1, 5), (3,), ()], strict=True):
            for rate in rates:
                self._rate(ticket, rate)  # a new rating request each time
        expected = [66, 0, -1]  # 2 great of 3; an okay; nothing rated
        tickets = self.env["helpdesk.ticket"].concat(*tickets)
        self.assertEqual(tickets.mapped("positive_rate_percentage"), expected)
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            tickets._compute_percentage()
        self.assertEqual(tickets.mapped("positive_rate_percentage"), expected)

    def test_without_a_leader_the_handler_follows_up(self):
        self.team.user_id = False
        ticket = self._resolved_ticket()
        self._rate(ticket, 1)
        self.assertEqual(self._follow_ups(ticket).user_id, self.agent)

    def test_install_removes_closed_stages_rating_template_uninstall_restores(self):
        done = self.stage_by_role["closed"]
        template = done.rating_mail_template_id
        self.env["helpdesk.ticket.stage"]._install_rating_templates()
        self.assertFalse(done.rating_mail_template_id)
        params = self.env["ir.config_parameter"].sudo()
        self.assertTrue(params.get_param(RATING_TEMPLATES_PARAM))
        hooks._restore_rating_templates(self.env)
        self.assertEqual(done.rating_mail_template_id, template)
        self.assertFalse(params.get_param(RATING_TEMPLATES_PARAM))

    def test_incident_report_shows_the_rating(self):
        ticket = self._resolved_ticket()
        report = self.env["report.mindx_helpdesk_process.report_helpdesk_incident"]
        labels = [m["label"] for m in report._metrics(ticket)]
        self.assertNotIn("Customer satisfaction", labels, "no rating, no row")
        self._rate(ticket, 5, "Fixed within the hour")
        row = report._metrics(ticket)[-1]
        self.assertEqual(row["label"], "Customer satisfaction")
        self.assertEqual(row["value"], "Satisfied: “Fixed within the hour”")


@tagged("post_install", "-at_install")
class TestRatingPages(SatisfactionFixtures, HelpdeskProcessHttpCommon):
    """Odoo's rating route, as the customer's browser uses it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_vietnamese()
        cls.portal_user.lang = "vi_VN"
        cls.other_customer = cls.portal_user.copy(
            {"login": "other_coordinator", "email": "other@school.example.com"}
        )
        cls.ticket = cls._resolved_ticket()
        cls.token = cls.ticket._rating_get_access_token()

    def _rating_page(self, rate):
        response = self.url_open(f"/rate/{self.token}/{rate}")
        self.assertEqual(response.status_code, 200)
        return response.text

    def _submit(self, page, rate, feedback):
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return self.url_open(
            f"/rate/{self.token}/submit_feedback",
            data={"rate": rate, "feedback": feedback, "csrf_token": csrf},
        )

    def test_customer_rates_in_vietnamese(self):
        page = self._rating_page(1)
        self.assertIn("Cảm ơn bạn đã đánh giá dịch vụ của chúng tôi!", page)
        self.assertNotIn("Thank you for rating our services", page)
        thanks = self._submit(page, 1, "Lớp học bị gián đoạn cả buổi")
        self.assertEqual(thanks.status_code, 200)
        self.assertIn("Cảm ơn bạn đã phản hồi!", thanks.text)
        (rating,) = self.ticket.rating_ids
        self.assertTrue(rating.consumed)
        self.assertEqual((rating.rating, rating.partner_id), (1, self.customer))
        self.assertTrue(
            self.ticket.activity_ids.filtered(lambda a: a.user_id == self.manager),
            "the team leader follows the unhappy rating up",
        )
        # the analysis counts it
        self.env.flush_all()
        row = self.env["helpdesk.process.analysis"].browse(self.ticket.id)
        self.assertEqual((row.rating_count, row.satisfaction_rate), (1, 0.0))

    def test_logged_in_customer_rates(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        self._submit(self._rating_page(5), 5, "")
        self.assertEqual(self.ticket.rating_ids.rating, 5)

    def test_someone_elses_token_is_refused(self):
        self.authenticate(self.other_customer.login, self.other_customer.login)
        page = self._rating_page(5)
        self.assertNotIn("submit_feedback", page, "the page offers no form")
        # nor does the form's target take a rating posted anyway
        token_page = self.url_open("/my/tickets").text
        csrf = re.search(r'csrf_token: "([^"]+)"', token_page).group(1)
        response = self.url_open(
            f"/rate/{self.token}/submit_feedback",
            data={"rate": 5, "feedback": "not mine", "csrf_token": csrf},
        )
        self.assertNotIn("Cảm ơn bạn đã phản hồi!", response.text)
        self.assertFalse(self.ticket.rating_ids.consumed)
