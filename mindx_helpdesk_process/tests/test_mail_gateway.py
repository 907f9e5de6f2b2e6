# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import INBOUND_EMAIL, HelpdeskProcessCommon


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

    def test_new_ticket_by_email_asks_only_field_types(self):
        """message_new's fields_get is trimmed to the type of the field that
        names a record (_rec_name), all it reads: a 3.8 ms call, 1 ms with every
        field's type; the flag that trims it stops at create and never reaches
        the ticket."""
        Ticket = self.env["helpdesk.ticket"]
        trimmed = Ticket.with_context(mindx_mail_new=True).fields_get()
        self.assertEqual(trimmed, {Ticket._rec_name: {"type": "char"}})
        self.assertEqual(
            set(Ticket.with_context(mindx_mail_new=True).fields_get(["stage_id"])),
            {"stage_id"},
        )
        self.assertIn("string", Ticket.fields_get()["name"])
        ticket = Ticket.message_new(
            {"subject": "LMS slow", "body": "x", "email_from": self.customer.email}
        )
        self.assertEqual(ticket.name, "LMS slow")
        self.assertFalse(ticket.env.context.get("mindx_mail_new"))
        self.assertIn("string", ticket.fields_get()["name"])

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


DELIVERY_REPORT = """From: {email_from}
To: {to}
Subject: {subject}
Message-ID: {msg_id}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="XX"

--XX
Content-Type: text/plain; charset=utf-8

Your message could not be delivered.
--XX
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.customer.example.com
Final-Recipient: rfc822; nobody@customer.example.com
Action: failed
Status: 5.1.1
--XX--
"""


@tagged("post_install", "-at_install")
class TestCustomerEmails(HelpdeskProcessCommon):
    """Customers write and reply by email; machines' emails change nothing."""

    def _ticket_by_email(self, subject, **kwargs):
        with self.mock_mail_gateway():
            ticket = self._receive_email(subject, **kwargs)
        self.assertEqual(len(ticket), 1, subject)
        return ticket

    def _reply(self, ticket, body, extra="", email_from=None):
        first = ticket.message_ids.filtered(lambda m: m.message_type == "email")[-1:]
        with self.mock_mail_gateway():
            self.format_and_process(
                INBOUND_EMAIL,
                email_from or '"Nguyen Thi Ha" <ha.nguyen@customer.example.com>',
                self.team_alias_email,
                subject=f"Re: {ticket.name}",
                target_model="helpdesk.ticket",
                extra=f"In-Reply-To: {first.message_id}\n{extra}",
                body=body,
                date="Sat, 28 Nov 2026 23:09:00 +0700",
                return_path="ha.nguyen@customer.example.com",
                cc="",
            )
        ticket.invalidate_recordset()

    @freeze_time("2026-11-28 15:40:00")
    def test_received_at_the_emails_date_with_suggested_users(self):
        ticket = self._ticket_by_email(
            "LMS chậm - lớp WEB101-HN-2024",
            body="Chào team, 15 học viên không nộp được bài.",
            date="Sat, 28 Nov 2026 22:35:00 +0700",
        )
        self.assertEqual(ticket.received_date, datetime(2026, 11, 28, 15, 35))
        self.assertEqual(ticket.last_customer_message_date, ticket.received_date)
        self.assertEqual(ticket.users_affected, 15)
        self.assertTrue(ticket.users_affected_suggested)
        self.assertEqual(ticket.class_of_service, "priority")
        self.assertFalse(ticket.assessment_date, "step 1 waits for the agent")

    @freeze_time("2026-11-28 15:40:00")
    def test_implausible_date_falls_back_to_now(self):
        ticket = self._ticket_by_email(
            "Date in the future", date="Mon, 28 Nov 2033 10:00:00 +0000"
        )
        self.assertEqual(ticket.received_date, datetime(2026, 11, 28, 15, 40))
        self.assertTrue(
            ticket.message_ids.filtered(lambda m: "is not when it reached us" in m.body)
        )

    def test_unknown_sender_becomes_the_customer(self):
        ticket = self._ticket_by_email(
            "Không đăng nhập được",
            email_from='"Phạm Văn Nam" <nam.pham@new-school.example.com>',
        )
        self.assertEqual(ticket.partner_id.email, "nam.pham@new-school.example.com")
        self.assertEqual(ticket.partner_id.name, "Phạm Văn Nam")
        first = ticket.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(first.author_id, ticket.partner_id)

    def test_absurd_users_hint_ignored(self):
        ticket = self._ticket_by_email(
            "Everybody", body="users affected: 99999999 (all of them)"
        )
        self.assertEqual(ticket.users_affected, 1)
        self.assertFalse(ticket.users_affected_suggested)

    @mute_logger(
        "odoo.addons.mail.models.mail_thread",
        "odoo.addons.mindx_helpdesk_process.models.mail_thread",
    )
    def test_automatic_emails_create_no_ticket(self):
        cases = {
            "Auto-Submitted": "Auto-Submitted: auto-replied\n",
            "X-Autoreply": "X-Autoreply: yes\n",
            "X-Auto-Response-Suppress": "X-Auto-Response-Suppress: All\n",
            "Precedence": "Precedence: bulk\n",
            # names in any case, values folded over lines
            "auto-submitted": "auto-submitted: Auto-Generated\n",
            "folded": "X-Auto-Response-Suppress: DR,\n RN, NRN,\n OOF\n",
        }
        for name, header in cases.items():
            with self.subTest(header=name), self.mock_mail_gateway():
                found = self._receive_email(f"Out of office ({name})", extra=header)
                self.assertFalse(found)
                self.assertNotSentEmail()
        with self.mock_mail_gateway():
            found = self._receive_email(
                "Undelivered Mail", email_from="MAILER-DAEMON@customer.example.com"
            )
        self.assertFalse(found)
        with self.mock_mail_gateway():
            found = self._receive_email(
                "Thông báo",
                email_from="=?utf-8?b?SOG7hyB0aOG7kW5n?= <NoReply@lms.example>",
            )
        self.assertFalse(found)
        with self.mock_mail_gateway():
            kept = self._receive_email("Real request", extra="Auto-Submitted: no\n")
        self.assertEqual(len(kept), 1)

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_delivery_report_to_the_alias_creates_no_ticket(self):
        """Odoo's bounce detection (multipart/report) keeps DSNs out of the helpdesk."""
        with self.mock_mail_gateway():
            found = self.format_and_process(
                DELIVERY_REPORT,
                "delivery-notices@customer.example.com",
                self.team_alias_email,
                subject="Delivery Status Notification (Failure)",
                target_model="helpdesk.ticket",
            )
            self.assertNotSentEmail()
        self.assertFalse(found)

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_sender_loop_stops_creating_tickets(self):
        """Odoo's loop detection (same sender, many emails) caps new tickets."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("mail.gateway.loop.threshold", 3)
        created = self.env["helpdesk.ticket"]
        for index in range(6):
            with self.mock_mail_gateway():
                created |= self._receive_email(
                    f"Robot message {index}",
                    email_from="robot@customer.example.com",
                    msg_id=f"<robot-{index}@customer.example.com>",
                )
        self.assertLessEqual(len(created), 3)
        self.assertTrue(created)

    def test_automatic_reply_to_resolved_ticket_changes_nothing(self):
        ticket = self._ticket_by_email(
            "LMS slow", msg_id="<first@customer.example.com>"
        )
        self._force_stage(ticket, "resolved")
        ticket.sudo().resolution_date = self._hours_ago(1)
        self._reply(
            ticket, "I am out of the office.", extra="Auto-Submitted: auto-replied\n"
        )
        self.assertIn("out of the office", ticket.message_ids[0].body, "logged once")
        self.assertFalse(ticket.confirmation_suggestion)
        self.assertFalse(ticket.activity_ids)
        self.assertNotSentEmail()

    def test_email_ticket_unassigned_whoever_runs_the_gateway(self):
        """helpdesk_mgmt's auto-assign gives new tickets to the user creating
        them: by email, the gateway's user (who then signed the ACK)."""
        self.assertTrue(self.env.company.helpdesk_mgmt_ticket_auto_assign)
        self.team.user_ids |= self.env.user  # the gateway runs as a team member
        ticket = self._ticket_by_email("LMS slow")
        self.assertFalse(ticket.user_id)
        # an alias that names an assignee still gives it
        self.team.alias_id.alias_defaults = str({"user_id": self.agent.id})
        self.assertEqual(self._ticket_by_email("LMS down").user_id, self.agent)

    def test_reply_to_resolved_suggests_confirmation(self):
        ticket = self._ticket_by_email(
            "LMS slow", msg_id="<first@customer.example.com>"
        )
        ticket.user_id = self.agent
        self._force_stage(ticket, "resolved")
        ticket.sudo().resolution_date = self._hours_ago(1)
        self._reply(ticket, "Chị đã test lại rồi, hệ thống giờ đã nhanh trở lại.")
        self.assertIn("nhanh trở lại", ticket.confirmation_suggestion)
        self.assertEqual(ticket.activity_ids.user_id, self.agent)
        self.assertTrue(ticket.last_customer_message_date)
        action = ticket.with_user(self.agent).action_process_confirm_suggestion()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.agent)
            .with_context(**action["context"])
            .create({})
        )
        self.assertIn("nhanh trở lại", wizard.customer_confirmation)
        wizard.action_confirm()
        self.assertTrue(ticket.confirmation_date)

    def test_reply_while_waiting_alerts_the_agent(self):
        ticket = self._ticket_by_email(
            "LMS slow", msg_id="<first@customer.example.com>"
        )
        ticket.user_id = self.agent
        self._force_stage(ticket, "waiting")
        self._reply(ticket, "Any news? The class ends in 20 minutes.")
        self.assertEqual(ticket.activity_ids.user_id, self.agent)
        self.assertIn("replied while waiting", ticket.activity_ids.summary)

    def test_reply_to_closed_within_window_reopens(self):
        with freeze_time("2026-11-28 23:12:00"):
            ticket = self._ticket_by_email(
                "LMS slow", msg_id="<first@customer.example.com>"
            )
            self._force_stage(ticket, "closed")
        with freeze_time("2026-12-01 09:00:00"):
            self._reply(ticket, "It is slow again this morning.")
        self.assertEqual(ticket.stage_id.process_role, "in_progress")
        self.assertTrue(
            ticket.message_ids.filtered(lambda m: "Reopened" in (m.body or ""))
        )

    def test_reply_to_closed_after_window_opens_follow_up(self):
        with freeze_time("2026-11-28 23:12:00"):
            ticket = self._ticket_by_email(
                "LMS slow", msg_id="<first@customer.example.com>"
            )
            self._force_stage(ticket, "closed")
        with freeze_time("2026-12-20 09:00:00"):
            self._reply(ticket, "Slow again, other class.")
        self.assertEqual(ticket.stage_id.process_role, "closed")
        follow_up = self.env["helpdesk.ticket"].search(
            [("previous_ticket_id", "=", ticket.id)]
        )
        self.assertEqual(len(follow_up), 1)
        self.assertEqual(follow_up.partner_id, self.customer)
        self.assertEqual(follow_up.stage_id.process_role, "new")
        self.assertIn("Slow again, other class.", follow_up.description)

    def test_reply_threaded_by_subject_number(self):
        ticket = self._ticket_by_email("LMS slow")
        with self.mock_mail_gateway():
            self._receive_email(
                f"Re: [{ticket.number}] LMS slow",
                body="Thông tin thêm: lớp WEB102 cũng bị.",
                msg_id="<no-headers@customer.example.com>",
            )
        self.assertIn("WEB102", "".join(ticket.message_ids.mapped("body")))
        self.assertEqual(
            self.env["helpdesk.ticket"].search_count(
                [("partner_id", "=", self.customer.id)]
            ),
            1,
        )
        # somebody else quoting the number gets a ticket of their own
        with self.mock_mail_gateway():
            other = self._receive_email(
                f"Fwd: [{ticket.number}] LMS slow",
                email_from="someone@elsewhere.example.com",
                msg_id="<other@elsewhere.example.com>",
            )
        self.assertEqual(len(other), 1)
        self.assertNotEqual(other, ticket)


@tagged("post_install", "-at_install")
class TestSilentCustomer(HelpdeskProcessCommon):
    """A resolved ticket whose customer does not answer: one reminder, then timeout."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.resource_calendar_id.tz = "UTC"

    def _resolved_on(self, when):
        """A ticket received and resolved at `when` (the clock frozen there)."""
        with freeze_time(when):
            ticket = self._create_ticket(user_id=self.agent.id)
            self._force_stage(ticket, "resolved")
        ticket.sudo().write({"resolution_date": when, "last_update_date": when})
        return ticket

    def _run_cron(self, when):
        with freeze_time(when), self.mock_mail_gateway():
            self.env["helpdesk.ticket"]._cron_remind_silent_resolved()

    def test_one_reminder_then_confirmed_by_timeout(self):
        ticket = self._resolved_on("2026-11-30 09:00:00")  # a Monday
        self._run_cron("2026-12-01 10:00:00")
        self.assertFalse(ticket.confirmation_reminder_date)
        self.assertNotSentEmail([self.customer])
        self._run_cron("2026-12-04 10:00:00")  # two working days later
        self.assertTrue(ticket.confirmation_reminder_date)
        self.assertSentEmail(self.env.user.partner_id, [self.customer])
        self.assertEqual(
            self._mails[0]["headers"].get("Auto-Submitted"), "auto-generated"
        )
        self.assertIn("Is everything working again?", self._mails[0]["subject"])
        self._run_cron("2026-12-05 10:00:00")  # Saturday: no second reminder
        self.assertNotSentEmail([self.customer])
        self.assertFalse(ticket.confirmation_date)
        self._run_cron("2026-12-09 10:00:00")
        self.assertTrue(ticket.confirmation_date)
        self.assertIn("Confirmed by timeout", ticket.customer_confirmation)
        self.assertEqual(ticket.stage_id.process_role, "resolved", "closure email next")
        self.assertIn("send the closure email", ticket.activity_ids.summary)
        self.assertNotSentEmail([self.customer])

    def test_customer_who_replied_gets_no_reminder(self):
        ticket = self._resolved_on("2026-11-30 09:00:00")
        ticket.sudo().last_customer_message_date = "2026-11-30 10:00:00"
        self._run_cron("2026-12-09 10:00:00")
        self.assertFalse(ticket.confirmation_reminder_date)
        self.assertFalse(ticket.confirmation_date)
        self.assertNotSentEmail([self.customer])


@tagged("post_install", "-at_install")
class TestOwnEmailsBack(HelpdeskProcessCommon):
    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_our_ack_fed_back_triggers_nothing(self):
        with self.mock_mail_gateway():
            ticket = self._receive_email(
                "LMS slow", msg_id="<first@customer.example.com>"
            )
        self._log_step(ticket, "assess", users_affected=16, assessment_note="x")
        with self.mock_mail_gateway():
            self._send_step_email(ticket, "ack")
        ack = ticket.message_ids.filtered(lambda m: m.message_type == "comment")[0]
        self._force_stage(ticket, "resolved")
        ticket.sudo().resolution_date = self._hours_ago(1)
        with self.mock_mail_gateway():
            self.format_and_process(
                INBOUND_EMAIL,
                '"Tran Van Agent" <agent@mindx.example.com>',
                self.team_alias_email,
                subject=f"Re: [{ticket.number}] We have received your request",
                target_model="helpdesk.ticket",
                extra=f"In-Reply-To: {ack.message_id}\n"
                "Auto-Submitted: auto-replied\n",
                body="loop",
                date="Sat, 28 Nov 2026 23:09:00 +0700",
                return_path="agent@mindx.example.com",
                cc="",
            )
            self.assertNotSentEmail()
        self.assertFalse(ticket.confirmation_suggestion)
        self.assertFalse(ticket.activity_ids)
        self.assertEqual(
            self.env["helpdesk.ticket"].search_count(
                [("name", "ilike", "received your request")]
            ),
            0,
        )


MALFORMED_EMAIL = """To: {to}
Subject: {subject}
Message-ID: {msg_id}
Date: Sat, 28 Nov 2026 22:35:00 +0700
{extra}MIME-Version: 1.0

{body}
"""


@tagged("post_install", "-at_install")
class TestMalformedEmails(HelpdeskProcessCommon):
    def _process_raw(self, subject, extra, body):
        with self.mock_mail_gateway():
            return self.format_and_process(
                MALFORMED_EMAIL,
                "",
                self.team_alias_email,
                subject=subject,
                extra=extra,
                body=body,
                target_model="helpdesk.ticket",
            )

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_script_in_html_is_never_stored(self):
        ticket = self._process_raw(
            "HTML with script",
            "From: ha.nguyen@customer.example.com\n"
            "Content-Type: text/html; charset=utf-8\n",
            "<p>Hello</p><script>alert('x')</script><img src=x onerror=alert(1)>",
        )
        self.assertEqual(len(ticket), 1)
        stored = str(ticket.description) + "".join(ticket.message_ids.mapped("body"))
        self.assertIn("Hello", stored)
        self.assertNotIn("<script", stored)
        self.assertNotIn("onerror", stored)

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_unknown_charset_and_huge_body(self):
        ticket = self._process_raw(
            "Strange charset",
            "From: ha.nguyen@customer.example.com\n"
            "Content-Type: text/plain; charset=x-unknown-charset\n",
            "Xin chào " + "a" * 1_000_000,
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.stage_id.process_role, "new")

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_no_sender(self):
        ticket = self._process_raw(
            "No From header", "Content-Type: text/plain; charset=utf-8\n", "Hello"
        )
        self.assertLessEqual(len(ticket), 1)
        self.assertFalse(ticket.users_affected_suggested)
