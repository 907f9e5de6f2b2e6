# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One process for a major incident: the agent works the main ticket, and each
step reaches every linked report (the customer emails in each customer's
language on their own thread, the step recorded on the report "via" the main
ticket); replies and confirmations stay each customer's; closing cascades."""

import re
from datetime import timedelta, timezone
from email.utils import format_datetime as email_date

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..tools import webhook
from .common import INBOUND_EMAIL, HelpdeskProcessCommon

RATING_LINK = re.compile(r'href="[^"]*/rate/([\w-]+)/5"')


@tagged("post_install", "-at_install")
class TestMajorIncidentProcess(HelpdeskProcessCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"].search(
            [("name", "=", "mindx_helpdesk_process")]
        )._update_translations("vi_VN", overwrite=True)
        cls.team.escalation_email = "dev-team@mindx.example.com"
        Partner = cls.env["res.partner"]
        cls.lan = Partner.create(
            {"name": "Pham Thi Lan", "email": "lan@school.example.com", "lang": "vi_VN"}
        )
        cls.john = Partner.create(
            {"name": "John Smith", "email": "john@school.example.com", "lang": "en_US"}
        )
        cls.customer.lang = "en_US"
        cls.main = cls._create_ticket(name="LMS slow, block A", users_affected=12)
        cls.report_lan = cls._create_ticket(
            name="LMS rất chậm", users_affected=12, partner_id=cls.lan.id
        )
        cls.report_john = cls._create_ticket(
            name="LMS slow for my class", users_affected=12, partner_id=cls.john.id
        )
        cls.reports = cls.report_lan | cls.report_john
        cls.reports.with_user(cls.agent).write({"major_incident_id": cls.main.id})

    # -- helpers --

    def _customer_mails(self, partner):
        return [
            mail
            for mail in self._mails
            if partner.email and partner.email in mail["email_to"][0]
        ]

    def _customers_mails(self):
        customers = self.customer | self.lan | self.john
        return {
            partner: self._customer_mails(partner)
            for partner in customers
            if self._customer_mails(partner)
        }

    def _assess_and_ack(self):
        self._log_step(
            self.main, "assess", users_affected=12, assessment_note="36 users"
        )
        with self.mock_mail_gateway():
            self._send_step_email(self.main, "ack")
        return self._customers_mails()

    def _investigate_and_escalate(self):
        self._log_step(
            self.main,
            "investigate",
            investigation_findings="DB CPU at 100%",
            investigation_decision="Escalate",
            workaround="Submit before 8 pm",
        )
        self._log_step(
            self.main,
            "escalate",
            investigation_findings="DB CPU at 100%",
            escalation_request="Add an index on submissions",
        )

    def _work_to_resolution(self):
        self._assess_and_ack()
        self._investigate_and_escalate()
        with self.mock_mail_gateway():
            self._send_step_email(self.main, "update")
        self._log_step(
            self.main,
            "dev_response",
            root_cause="Missing index",
            resolution_summary="Index added",
        )
        with self.mock_mail_gateway():
            self._send_step_email(self.main, "resolve")

    def _reply(self, ticket, partner, body):
        """`partner` answers the last email their ticket sent them."""
        last = ticket.message_ids.filtered(
            lambda m: m.message_type == "comment" and partner in m.partner_ids
        )[:1]
        now = email_date(fields.Datetime.now().replace(tzinfo=timezone.utc))
        with self.mock_mail_gateway():
            self.format_and_process(
                INBOUND_EMAIL,
                f'"{partner.name}" <{partner.email}>',
                self.team_alias_email,
                subject=f"Re: [{ticket.number}] {ticket.name}",
                target_model="helpdesk.ticket",
                extra=f"In-Reply-To: {last.message_id}\n",
                body=body,
                date=now,
                return_path=partner.email,
                cc="",
            )
        ticket.invalidate_recordset()

    # -- tests --

    def test_customer_steps_reach_every_customer_in_their_language(self):
        mails = self._assess_and_ack()
        self.assertEqual(
            {partner: len(sent) for partner, sent in mails.items()},
            {self.customer: 1, self.lan: 1, self.john: 1},
            "one ACK per customer",
        )
        (lan_mail,) = mails[self.lan]
        self.assertIn(
            f"[{self.report_lan.number}] Chúng tôi đã tiếp nhận", lan_mail["subject"]
        )
        self.assertIn("Pham Thi Lan", lan_mail["body"])
        (john_mail,) = mails[self.john]
        self.assertIn(
            f"[{self.report_john.number}] We have received", john_mail["subject"]
        )
        for report in self.reports:
            # on the report's own thread, recorded there via the main ticket
            (ack,) = report.message_ids.filtered(
                lambda m, r=report: m.message_type == "comment"
                and r.partner_id in m.partner_ids
            )
            (log,) = report.process_step_ids.filtered(lambda s: s.step == "ack")
            self.assertEqual(log.message_id, ack)
            self.assertEqual(log.via_ticket_id, self.main)
            self.assertEqual(log.user_id, self.agent, "the agent did it")
            self.assertEqual(report.ack_date, self.main.ack_date)
            self.assertEqual(report.process_role, "in_progress")
            self.assertIn(f"via {self.main.number}", report.process_checklist_html)
            # the same promise to everyone
            self.assertEqual(report.sla_update_deadline, self.main.sla_update_deadline)

    def test_internal_steps_are_done_once_and_shown_on_the_reports(self):
        self._assess_and_ack()
        with self.mock_mail_gateway():
            self._investigate_and_escalate()
        # one escalation, to the Dev Team only, listing every report
        self.assertFalse(self._customers_mails(), "no internal note is emailed")
        (escalation,) = self._mails
        self.assertIn("dev-team@mindx.example.com", escalation["email_to"][0])
        self.assertIn("36 users affected", escalation["body"])
        self.assertIn("across 3 reports", escalation["body"])
        for report in self.reports:
            self.assertIn(report.number, escalation["body"])
            self.assertEqual(report.escalation_date, self.main.escalation_date)
            self.assertEqual(report.workaround, "Submit before 8 pm")
            self.assertEqual(report.users_affected, 12, "its own impact stays")
            (log,) = report.process_step_ids.filtered(lambda s: s.step == "escalate")
            self.assertEqual(log.via_ticket_id, self.main)
            self.assertFalse(
                report.message_ids.filtered(
                    lambda m: "ESCALATION" in (m.subject or "")
                ),
                "the Dev Team gets one escalation, from the main ticket",
            )

    def test_a_report_s_steps_are_done_on_the_main_ticket(self):
        with self.assertRaisesRegex(UserError, "part of major incident"):
            self.report_lan.with_user(self.agent).action_process_assess()
        with self.assertRaisesRegex(UserError, "part of major incident"):
            self._log_step(
                self.report_lan, "assess", users_affected=3, assessment_note="x"
            )
        self.assertFalse(self.report_lan.process_next_step, "no button to press")
        self.assertFalse(self.report_lan.assessment_date)

    def test_replies_and_confirmations_stay_with_their_customer(self):
        self._work_to_resolution()
        for ticket in self.main | self.reports:
            self.assertEqual(ticket.process_role, "resolved", ticket.name)
        self._reply(self.report_lan, self.lan, "Đã chạy tốt rồi, cảm ơn!")
        self.assertEqual(
            self.report_lan.confirmation_suggestion, "Đã chạy tốt rồi, cảm ơn!"
        )
        self.assertFalse(self.main.confirmation_suggestion)
        self.assertFalse(self.report_john.confirmation_suggestion)
        self.assertEqual(self.report_lan.process_next_step, "confirm")
        self._log_step(
            self.report_lan, "confirm", customer_confirmation="Đã chạy tốt rồi"
        )
        self.assertTrue(self.report_lan.confirmation_date)
        self.assertFalse(self.main.confirmation_date, "the main customer's own")
        # the main ticket shows who confirmed and who did not
        confirmed = self.main.major_incident_ticket_ids.filtered("confirmation_date")
        self.assertEqual(confirmed, self.report_lan)

    def test_closing_the_main_ticket_closes_each_report(self):
        self._work_to_resolution()
        self._log_step(self.main, "confirm", customer_confirmation="OK")
        self._log_step(self.report_lan, "confirm", customer_confirmation="OK")
        with self.mock_mail_gateway():
            self._send_step_email(self.main, "close")
            mails = self._customers_mails()
            self._log_step(self.main, "summary", lessons_learned="Index the table")
        self.assertEqual(
            {p: len(m) for p, m in mails.items()},
            {
                self.customer: 1,
                self.lan: 1,
                self.john: 1,
            },
        )
        # each customer is asked their own rating (helpdesk_mgmt_rating)
        for partner, ticket in (
            (self.customer, self.main),
            (self.lan, self.report_lan),
            (self.john, self.report_john),
        ):
            (token,) = set(RATING_LINK.findall(mails[partner][0]["body"]))
            self.assertEqual(ticket.rating_ids.access_token, token)
        self.assertIn("Đã đóng", mails[self.lan][0]["subject"])
        self.assertEqual(self.main.process_role, "closed")
        self.assertEqual(self.report_lan.process_role, "closed")
        # told, but closed only once its customer confirms (or by timeout)
        self.assertEqual(self.report_john.process_role, "resolved")
        self.assertTrue(self.report_john.closure_date and self.report_john.summary_date)
        self._log_step(self.report_john, "confirm", customer_confirmation="Fine")
        self.assertEqual(self.report_john.process_role, "closed")

    def test_the_reports_sla_counts_the_main_ticket_s_steps(self):
        """A report received long ago is already late for its ACK: the main
        ticket's ACK answers it (the breach closed), recorded as late."""
        self._hide_other_tickets_from_the_scan()
        late = self._create_ticket(
            name="LMS down",
            users_affected=12,
            partner_id=self.john.id,
            received_date=fields.Datetime.now() - timedelta(hours=2),
        )
        late.with_user(self.agent).write({"major_incident_id": self.main.id})
        self.env["helpdesk.ticket"]._cron_flag_sla_breaches()
        self.assertEqual(late.sla_breach_ids.mapped("kind"), ["ack"])
        self._assess_and_ack()
        self.assertTrue(late.ack_date)
        self.assertTrue(late.sla_breach_ids.done_date, "answered by the main's ACK")
        (log,) = late.process_step_ids.filtered(lambda s: s.step == "ack")
        self.assertEqual(log.target_state, "missed")

    def test_a_report_linked_late_gets_the_latest_news(self):
        self._assess_and_ack()
        self._investigate_and_escalate()
        with self.mock_mail_gateway():
            self._send_step_email(self.main, "update")
        newcomer = self._create_ticket(
            name="LMS chậm lớp 5", users_affected=4, partner_id=self.lan.id
        )
        with self.mock_mail_gateway():
            newcomer.with_user(self.agent).write({"major_incident_id": self.main.id})
            mails = self._customer_mails(self.lan)
        (mail,) = mails
        self.assertIn(f"[{newcomer.number}] Cập nhật", mail["subject"], "the update")
        self.assertIn("Submit before 8 pm", mail["body"], "the current workaround")
        self.assertEqual(newcomer.sla_update_deadline, self.main.sla_update_deadline)
        self.assertEqual(newcomer.process_role, "waiting")
        self.assertEqual(
            set(newcomer.process_step_ids.mapped("step")),
            {"assess", "ack", "investigate", "escalate", "update"},
        )
        self.assertEqual(newcomer.process_step_ids.via_ticket_id, self.main)

    def test_a_closed_main_ticket_takes_no_new_report(self):
        self._force_stage(self.main, "closed")
        newcomer = self._create_ticket(name="LMS slow again")
        with self.assertRaisesRegex(UserError, "cannot join its major incident"):
            newcomer.with_user(self.agent).write({"major_incident_id": self.main.id})

    def test_a_report_without_email_is_named_on_the_main_ticket(self):
        self.john.email = False
        self._assess_and_ack()
        self.assertFalse(self.report_john.ack_date)
        note = self.main.message_ids.filtered(
            lambda m: "not done for these reports" in str(m.body)
        )
        self.assertIn(self.report_john.number, str(note.body))
        self.assertIn("no customer email address", str(note.body))

    def test_a_new_main_ticket_opened_for_the_incident(self):
        """ "Link to major incident" may open the team's own main ticket: no
        customer of its own, its class counts the reports' users, its emails go
        to the reports' customers."""
        reports = self._create_ticket(
            name="Quiz down", users_affected=12, partner_id=self.lan.id
        ) | self._create_ticket(name="Quiz down too", users_affected=20)
        Wizard = self._incident_link_wizard(reports)
        with Form(Wizard) as form:
            form.main_choice = "new"
            form.new_main_name = "   "
        with self.assertRaisesRegex(UserError, "Give the new main ticket a title"):
            form.record.action_confirm()
        with Form(Wizard) as form:
            form.main_choice = "new"
            form.new_main_name = "Quiz service down"
        opened = form.record.action_confirm()
        main = reports.major_incident_id
        self.assertEqual(len(main), 1)
        self.assertEqual(opened["res_id"], main.id, "the new main ticket opens")
        self.assertEqual((main.name, main.team_id), ("Quiz service down", self.team))
        self.assertFalse(main.partner_id)
        self.assertEqual(main.incident_users_affected, 32, "the reports' users only")
        self.assertIn("32 users affected across 2 reports", main.cos_rationale)
        self._log_step(main, "assess", users_affected=1, assessment_note="Quiz down")
        with self.mock_mail_gateway():
            self._send_step_email(main, "ack")
        self.assertTrue(main.ack_date, "its ACK reached the reports' customers")
        self.assertEqual(len(self._customer_mails(self.lan)), 1)
        self.assertEqual(len(self._customer_mails(self.customer)), 1)
        self.assertEqual(reports.mapped("process_role"), ["in_progress"] * 2)

    def test_the_analysis_counts_the_reports_steps(self):
        """Process compliance: a report's ACK and update, done via the main
        ticket, count for the report, on time against its own targets."""
        self._assess_and_ack()
        self._investigate_and_escalate()
        with self.mock_mail_gateway():
            self._send_step_email(self.main, "update")
        self.env.flush_all()
        rows = (
            self.env["helpdesk.process.analysis"]
            .with_user(self.agent)
            .web_search_read(
                [("ticket_id", "in", self.reports.ids)],
                {"ack_due": {}, "ack_met": {}, "update_due": {}, "update_met": {}},
            )["records"]
        )
        self.assertEqual(len(rows), 2)
        for row in rows:
            self.assertEqual(
                (row["ack_due"], row["ack_met"], row["update_due"], row["update_met"]),
                (1, 1, 1, 1),
            )

    def test_reopening_the_main_ticket_reopens_the_waiting_reports(self):
        """The main customer says it is still slow: the Resolved reports are
        worked again with it; a closed one stays closed."""
        self._work_to_resolution()
        self._force_stage(self.report_john, "closed")
        self.main.with_user(self.agent).with_context(
            mindx_move_reason="Still slow at 8 pm"
        ).write({"stage_id": self.stage_by_role["in_progress"].id})
        self.assertEqual(self.report_lan.process_role, "in_progress")
        self.assertFalse(self.report_lan.resolution_date, "to be done again")
        self.assertTrue(
            self.report_lan.message_ids.filtered(
                lambda m: f"Reopened with major incident {self.main.display_name}"
                in str(m.body)
                and "Still slow at 8 pm" in str(m.body)
            )
        )
        self.assertEqual(self.report_john.process_role, "closed")
        # the fix logged again reaches the reopened report only
        self._log_step(
            self.main, "dev_response", root_cause="Pool", resolution_summary="Pool x2"
        )
        self.assertEqual(self.report_lan.root_cause, "Pool")
        self.assertEqual(self.report_lan.process_role, "resolved")

    def test_each_customer_step_once_per_customer_in_their_language(self):
        subjects = {
            "ack": ("Chúng tôi đã tiếp nhận", "We have received"),
            "update": ("Cập nhật về yêu cầu", "Update on your request"),
            "resolve": ("Đã khắc phục", "Resolved:"),
            "close": ("Đã đóng", "Closed:"),
        }
        sent = {}
        self._log_step(self.main, "assess", users_affected=12, assessment_note="x")
        for step in subjects:
            if step == "update":
                self._investigate_and_escalate()
            if step == "resolve":
                self._log_step(
                    self.main,
                    "dev_response",
                    root_cause="Index",
                    resolution_summary="Ok",
                )
            if step == "close":
                self._log_step(self.main, "confirm", customer_confirmation="OK")
            with self.mock_mail_gateway():
                self._send_step_email(self.main, step)
                sent[step] = self._customers_mails()
        for step, (vietnamese, english) in subjects.items():
            mails = sent[step]
            self.assertEqual(
                {partner: len(m) for partner, m in mails.items()},
                {self.customer: 1, self.lan: 1, self.john: 1},
                step,
            )
            self.assertIn(vietnamese, mails[self.lan][0]["subject"], step)
            self.assertIn(self.report_lan.number, mails[self.lan][0]["subject"])
            self.assertIn(english, mails[self.john][0]["subject"], step)
            self.assertIn(self.report_john.number, mails[self.john][0]["subject"])
            for report in self.reports:
                logs = report.process_step_ids.filtered(lambda s, st=step: s.step == st)
                self.assertEqual(len(logs), 1, f"{step} recorded once on {report.name}")

    def test_a_cancelled_main_ticket_lets_its_reports_go(self):
        self.main.with_user(self.agent).with_context(
            mindx_move_reason="Duplicate of another incident"
        ).write({"stage_id": self.stage_by_role["cancelled"].id})
        self.assertFalse(self.reports.major_incident_id)
        self.assertEqual(self.report_lan.process_next_step, "assess", "its own again")
        self.assertTrue(
            self.report_lan.message_ids.filtered(
                lambda m: "Duplicate of another incident" in str(m.body)
                and "cancelled" in str(m.body)
            )
        )

    def test_the_webhook_escalation_carries_the_whole_incident(self):
        """Microsoft Teams, Slack and JSON escalations: the total users and one
        line per report, in every kind's body."""
        data = self.env["helpdesk.escalation.delivery"]._payload_data(self.main)
        self.assertEqual(data["users_affected"], 36)
        self.assertFalse(data["is_blocking"])
        for report in self.reports:
            self.assertIn(f"{report.number}: {report.partner_id.name}", data["reports"])
        for kind in ("teams", "slack", "generic"):
            body = str(webhook.build_payload(kind, data))
            self.assertIn(self.report_lan.number, body, kind)
            self.assertIn("36", body, kind)
