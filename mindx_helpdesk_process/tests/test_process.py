# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The process's steps: the dialogs and emails that record them, what each sends
and to whom, the checklist and the next step, and the seed ticket replayed
through the buttons. Which moves between stages the steps open:
test_process_gate.py."""

from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..models import process_rules
from .common import SATISFY, HelpdeskProcessCommon
from .seed_00003 import Replay00003


@tagged("post_install", "-at_install")
class TestProcessSteps(HelpdeskProcessCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dev_channel = cls.env["discuss.channel"].create({"name": "dev-team"})
        cls.team.write(
            {
                "escalation_email": "dev-team@mindx.example.com",
                "escalation_channel_id": cls.dev_channel.id,
            }
        )

    def _assessed(self, **values):
        ticket = self._create_ticket(**values)
        self._log_step(
            ticket,
            "assess",
            users_affected=values.get("users_affected", 16),
            is_blocking=True,
            assessment_note="Class in progress, students cannot submit.",
        )
        return ticket

    def test_ack_email_really_sent_to_customer(self):
        ticket = self._assessed(users_affected=16, workaround="Use incognito mode")
        with self.mock_mail_gateway():
            self._send_step_email(ticket, "ack")
        self.assertTrue(ticket.ack_date)
        self.assertEqual(ticket.last_update_date, ticket.ack_date)
        self.assertEqual(ticket.stage_id.process_role, "in_progress", "auto-advanced")
        self.assertSentEmail(
            self.agent.partner_id,
            [self.customer],
            subject=f"[{ticket.number}] We have received your request: {ticket.name}",
        )
        body = self._mails[0]["body"]
        self.assertIn(
            "How we classified it: <b>16 users affected (Priority: 5–25)", body
        )
        self.assertIn("16 users affected (Priority: 5–25), blocking work", body)
        self.assertIn("Use incognito mode", body)
        self.assertIn("You will receive our next update by", body)
        log = ticket.process_step_ids.filtered(lambda s: s.step == "ack")
        self.assertEqual(log.user_id, self.agent)
        self.assertEqual(log.message_id.partner_ids, self.customer)

    def test_update_resolution_closure_emails_content(self):
        ticket = self._assessed(users_affected=16)
        ticket.sudo().write(
            {
                "investigation_scope": "Only class WEB101-HN-2024 is affected",
                "workaround": "Submit assignments by email",
                "root_cause": "Inefficient query on a large dataset",
                "resolution_summary": "Query optimised, pages load in under 3 s",
                "verification_checklist": "Students can open the course page",
                "follow_up_plan": "We monitor the LMS for 24 hours",
            }
        )
        ticket.sudo().write(SATISFY["escalate"])
        expected = {
            "update": (
                f"[{ticket.number}] Update on your request",
                [
                    "Only class WEB101-HN-2024 is affected",
                    "We have passed the details to our development team on",
                    "Submit assignments by email",
                    "Our next update will reach you by",
                ],
            ),
            "resolve": (
                f"[{ticket.number}] Resolved",
                [
                    "Inefficient query on a large dataset",
                    "Query optimised, pages load in under 3 s",
                    "Students can open the course page",
                ],
            ),
            "close": (
                f"[{ticket.number}] Closed",
                ["We monitor the LMS for 24 hours", "Inefficient query"],
            ),
        }
        # each email where it fits: the update and the resolution in In
        # Progress, the closure once the ticket is resolved
        self._force_stage(ticket, "in_progress")
        for step, (subject, texts) in expected.items():
            if step == "close":
                self._force_stage(ticket, "resolved")
            with self.subTest(step=step), self.mock_mail_gateway():
                self._send_step_email(ticket, step)
                self.assertSentEmail(self.agent.partner_id, [self.customer])
                mail = self._mails[0]
                self.assertTrue(mail["subject"].startswith(subject), mail["subject"])
                for text in texts:
                    self.assertIn(text, mail["body"])
        self.assertTrue(ticket.resolution_date and ticket.closure_date)
        self.assertEqual(
            ticket.process_step_ids.filtered(
                lambda s: s.step in ("update", "resolve", "close")
            ).mapped("step"),
            ["update", "resolve", "close"],
        )

    def test_customer_templates_follow_the_customer_language(self):
        ticket = self._create_ticket()
        self.customer.lang = "en_US"
        for step, xmlid in process_rules.TEMPLATE_BY_STEP.items():
            template = self.env.ref(xmlid)
            with self.subTest(step=step):
                self.assertEqual(template.partner_to, "{{ object.partner_id.id }}")
                self.assertEqual(
                    template._render_lang(ticket.ids)[ticket.id], self.customer.lang
                )
        escalation = self.env.ref("mindx_helpdesk_process.mail_template_escalation")
        self.assertFalse(escalation.partner_to, "never addressed to the customer")

    def test_composer_form_prefilled_with_template(self):
        ticket = self._assessed()
        action = ticket.with_user(self.agent).action_process_ack()
        self.assertEqual(action["res_model"], "mail.compose.message")
        with Form(
            self.env["mail.compose.message"]
            .with_user(self.agent)
            .with_context(**action["context"])
        ) as composer:
            self.assertEqual(
                composer.template_id,
                self.env.ref("mindx_helpdesk_process.mail_template_ack"),
            )
            self.assertEqual(composer.partner_ids[:], self.customer)
            self.assertIn("We have received your request", composer.subject)
            composer.body = "<p>Edited by the agent: we are on it.</p>"
        with self.mock_mail_gateway():
            composer.record.action_send_mail()
        self.assertTrue(ticket.ack_date)
        self.assertIn("Edited by the agent", self._mails[0]["body"])

    def test_cancelled_composer_records_nothing(self):
        ticket = self._assessed()
        action = ticket.with_user(self.agent).action_process_ack()
        self.env["mail.compose.message"].with_user(self.agent).with_context(
            **action["context"]
        ).create({})
        self.assertFalse(ticket.ack_date)
        self.assertFalse(ticket.process_step_ids.filtered(lambda s: s.step == "ack"))
        self.assertEqual(ticket.stage_id.process_role, "new")

    def test_email_without_the_customer_does_not_count(self):
        ticket = self._assessed()
        action = ticket.with_user(self.agent).action_process_ack()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.agent)
            .with_context(**action["context"])
            .create({})
        )
        composer.partner_ids = self.agent.partner_id
        with self.mock_mail_gateway():
            composer.action_send_mail()
        self.assertFalse(ticket.ack_date)

    def test_customer_email_needs_an_address(self):
        ticket = self._create_ticket(partner_id=False)
        with self.assertRaisesRegex(UserError, "no customer email address"):
            ticket.with_user(self.agent).action_process_ack()

    def test_internal_notes_never_reach_the_customer(self):
        ticket = self._assessed()
        with self.mock_mail_gateway():
            self._log_step(
                ticket,
                "investigate",
                investigation_findings="Connection pool 85% full",
                investigation_decision="Escalate",
            )
        note = ticket.message_ids[0]
        self.assertEqual(note.message_type, "comment")
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertIn("Connection pool 85% full", note.body)
        self.assertNotSentEmail([self.customer])
        # the customer can read the ticket, but not the note, even by id
        ticket.message_subscribe(partner_ids=self.customer.ids)
        ticket.with_user(self.portal_user).check_access("read")
        with self.assertRaises(AccessError):
            note.with_user(self.portal_user).read(["body"])

    def test_step_wizard_requires_its_fields(self):
        ticket = self._create_ticket()
        with self.assertRaisesRegex(UserError, "Impact, urgency and next steps"):
            self._log_step(ticket, "assess", users_affected=3, assessment_note=" ")
        self.assertFalse(ticket.assessment_date)
        with self.assertRaisesRegex(UserError, "Root cause.*Fix applied and verified"):
            self._log_step(ticket, "dev_response")
        self.assertFalse(ticket.dev_response_date)

    def test_assess_confirms_classification(self):
        ticket = self._create_ticket(users_affected=1)
        self._log_step(
            ticket,
            "assess",
            users_affected=16,
            is_blocking=True,
            assessment_note="Whole class blocked",
        )
        self.assertEqual(ticket.class_of_service, "priority")
        self.assertTrue(ticket.assessment_date)
        note = ticket.message_ids[0]
        self.assertIn("16 users affected (Priority: 5–25), blocking work", note.body)
        self.assertEqual(ticket.process_next_step, "ack")

    def test_escalation_reaches_dev_team_not_customer(self):
        ticket = self._assessed(users_affected=16)
        with self.mock_mail_gateway():
            self._log_step(
                ticket,
                "escalate",
                investigation_findings="Response time 2s -> 35s since 2 PM",
                escalation_request="Temporary fix now, permanent next release",
                workaround="Submit assignments by email",
                escalation_links="https://monitoring.example.com/lms",
            )
        self.assertTrue(ticket.escalation_date)
        dev = self.env["res.partner"].search(
            [("email", "=", "dev-team@mindx.example.com")]
        )
        self.assertSentEmail(self.agent.partner_id, [dev])
        body = self._mails[0]["body"]
        for expected in (
            ticket.number,
            "Priority",
            "16",
            "Response time 2s -&gt; 35s since 2 PM",
            "Submit assignments by email",
            "https://monitoring.example.com/lms",
            "Temporary fix now",
        ):
            self.assertIn(expected, body)
        self.assertNotSentEmail([self.customer])
        posted = self.dev_channel.message_ids.filtered(
            lambda m: ticket.number in (m.body or "")
        )
        self.assertTrue(posted)

    def test_escalation_needs_a_destination(self):
        ticket = self._assessed()
        self.team.write({"escalation_email": False, "escalation_channel_id": False})
        with self.assertRaisesRegex(UserError, "no escalation destination"):
            self._log_step(
                ticket,
                "escalate",
                investigation_findings="x",
                escalation_request="y",
            )
        self.assertFalse(ticket.escalation_date)

    def test_next_step_highlighted(self):
        ticket = self._create_ticket(users_affected=16)
        self.assertEqual(ticket.process_next_step, "assess")
        ticket.sudo().write(SATISFY["assess"] | SATISFY["ack"] | SATISFY["investigate"])
        self.assertEqual(ticket.process_next_step, "escalate")
        standard = self._create_ticket(users_affected=2)
        standard.sudo().write(
            SATISFY["assess"] | SATISFY["ack"] | SATISFY["investigate"]
        )
        self.assertEqual(standard.process_next_step, "dev_response")

    def test_checklist_shows_done_steps(self):
        ticket = self._assessed()
        html = str(ticket.process_checklist_html)
        self.assertIn("1. Receive &amp; classify", html)
        self.assertIn("7. Close &amp; follow up", html)
        self.assertEqual(html.count("fa-check-circle"), 2)
        self.assertIn("Tran Van Agent", html)

    def test_checklist_while_editing_the_form(self):
        """An input of the class changed in the form recomputes the checklist on
        the record being edited (a new id whose origin is the ticket): it still
        says who did each step."""
        ticket = self._assessed()
        before = ticket.class_of_service
        with Form(ticket.with_user(self.agent)) as form:
            form.users_affected = 1 if ticket.users_affected > 1 else 40
            self.assertNotEqual(form.class_of_service, before)
            self.assertIn("Tran Van Agent", str(form.process_checklist_html))

    def test_checklist_shows_late_steps(self):
        """A step logged after its target says Late on its row, as the timeline
        does; steps without a target say nothing."""
        ticket = self._assessed()
        ticket.sudo().received_date = ticket.received_date - timedelta(hours=2)
        self._send_step_email(ticket, "ack")
        ack = ticket.process_step_ids.filtered(lambda log: log.step == "ack")
        self.assertEqual(ack.target_state, "missed")
        html = str(ticket.process_checklist_html)
        self.assertIn(">Late</span>", html.split("3. Acknowledge")[1].split("</tr>")[0])
        self.assertEqual(html.count("</span>"), 1, "the assessment has no target")

    def test_checklist_times_in_the_context_time_zone(self):
        """The web client's context gives the time zone (as the field depends
        on it); without one, the user's. (Zones without daylight saving time:
        the same offsets whatever the date.)"""
        ticket = self._assessed()
        received = ticket.received_date.replace(hour=15, minute=35)
        ticket.sudo().received_date = received
        self.env.user.tz = "Asia/Ho_Chi_Minh"

        def received_row(tz):
            context = {"tz": tz} if tz else {}
            html = str(ticket.with_context(**context).process_checklist_html)
            return html.split("1. Receive")[1].split("</tr>")[0]

        self.assertIn("22:35", received_row(None))  # UTC+7, the user's
        # the language's date and time formats, as the web client shows a
        # datetime field (English: month first, 24-hour clock, no seconds)
        self.assertIn(
            f"<td>{received.strftime('%m/%d/%Y')} 15:35</td>", received_row("UTC")
        )
        self.assertIn("00:35", received_row("Asia/Tokyo"))  # UTC+9, the next day


@tagged("post_install", "-at_install")
class TestReplayTicket00003(Replay00003, HelpdeskProcessCommon):
    """The seed report's ticket, replayed minute by minute through the buttons."""

    @mute_logger("odoo.addons.mail.models.mail_mail")
    def test_replay_22_35_to_23_12(self):
        ticket, stages = self._replay_00003()
        self.assertEqual((ticket.class_of_service, ticket.priority), ("priority", "2"))
        # closing sends nothing more: the closure email was the last word
        self.assertNotSentEmail([self.customer])
        expected = {
            "received_date": "22:35",
            "assessment_date": "22:42",
            "ack_date": "22:44",
            "investigation_date": "22:50",
            "escalation_date": "22:54",
            "dev_response_date": "23:03",
            "resolution_date": "23:05",
            "confirmation_date": "23:09",
            "closure_date": "23:11",
            "summary_date": "23:12",
            "last_update_date": "23:11",
        }
        for fname, hhmm in expected.items():
            self.assertEqual(ticket[fname], self._at(hhmm), fname)
        self.assertEqual(
            stages,
            [
                ("22:42", "new"),
                ("22:44", "in_progress"),
                ("22:50", "in_progress"),
                ("22:54", "in_progress"),
                ("22:57", "waiting"),
                ("23:03", "resolved"),
                ("23:05", "resolved"),
                ("23:09", "resolved"),
                ("23:11", "resolved"),
                ("23:12", "closed"),
            ],
        )
        # the report's own timestamps (its hand-rounded "5/5/5/10/5" does not add up)
        self.assertEqual(ticket.process_resolution_minutes, 30)
        self.assertEqual(
            (
                ticket.phase_ack_minutes,
                ticket.phase_investigation_minutes,
                ticket.phase_escalation_minutes,
                ticket.phase_dev_fix_minutes,
                ticket.phase_verification_minutes,
            ),
            (9, 6, 4, 9, 4),
        )
        self.assertFalse(ticket.process_next_step)
        self.assertEqual(
            ticket.process_step_ids.mapped("step"),
            [
                "assess",
                "ack",
                "investigate",
                "escalate",
                "update",
                "dev_response",
                "resolve",
                "confirm",
                "close",
                "summary",
            ],
        )
        self.assertEqual(str(ticket.process_checklist_html).count("fa-check-circle"), 7)
        self.assertEqual(ticket.closed_date, self._at("23:12"))
        # the timeline's targets: Priority's 15-minute ACK and update cadence,
        # 20 minutes from investigation to escalation, 4 hours to resolve
        targets = [
            (step.step, step.deadline, step.target_state)
            for step in ticket.process_step_ids
            if step.deadline
        ]
        self.assertEqual(
            targets,
            [
                ("ack", self._at("22:50"), "met"),
                ("escalate", self._at("23:10"), "met"),
                ("update", self._at("22:59"), "met"),
                ("resolve", self._at("22:35") + timedelta(hours=4), "met"),
            ],
        )
        # the checklist's rows say it too: ACK, escalation and resolution
        html = str(ticket.process_checklist_html)
        self.assertEqual(html.count(">On time</span>"), 3)
        self.assertNotIn(">Late</span>", html)


@tagged("post_install", "-at_install")
class TestStepsFitTheStage(HelpdeskProcessCommon):
    """A step that makes no sense where the ticket stands is neither offered in
    the header nor accepted by the server, whichever way it comes."""

    def test_forced_to_resolved_offers_what_resolved_needs(self):
        ticket = self._create_ticket(users_affected=16)
        self.assertEqual(ticket.process_next_step, "assess")
        self._force_stage(ticket, "resolved")
        # not "Classify & assess": the resolution email, then the confirmation
        self.assertEqual(ticket.process_next_step, "resolve")
        self.assertFalse(ticket.process_can_update)
        self.assertFalse(ticket.process_can_escalate)
        self.assertEqual(ticket.sla_status, "met")  # the badge follows the move
        self._send_step_email(ticket, "resolve")
        self.assertEqual(ticket.process_next_step, "confirm")

    def test_update_refused_once_the_fix_is_announced(self):
        ticket = self._create_ticket(users_affected=16)
        self._force_stage(ticket, "in_progress")
        self._send_step_email(ticket, "ack")
        self.assertTrue(ticket.process_can_update)
        self._force_stage(ticket, "resolved")
        self.assertFalse(ticket.process_can_update)
        # the header button's method, the composer an RPC client creates, and the
        # recording itself all refuse it in words
        with self.assertRaisesRegex(UserError, "Send update.*The fix was announced"):
            ticket.with_user(self.agent).action_process_update()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.agent)
            .with_context(
                default_model="helpdesk.ticket",
                default_res_ids=ticket.ids,
                default_composition_mode="comment",
                default_process_step="update",
            )
            .create({"body": "An update after all"})
        )
        with self.assertRaisesRegex(UserError, "is not a step of ticket"):
            composer.action_send_mail()
        with self.assertRaisesRegex(UserError, "is not a step of ticket"):
            ticket.with_user(self.agent)._process_record_step("update")
        self.assertFalse(ticket.process_step_ids.filtered(lambda s: s.step == "update"))

    def test_closure_refused_before_the_resolution(self):
        ticket = self._create_ticket()
        self._force_stage(ticket, "in_progress")
        with self.assertRaisesRegex(UserError, "Send the resolution email first"):
            ticket.with_user(self.agent).action_process_close()
        with self.assertRaisesRegex(UserError, "Send the resolution email first"):
            self.env["helpdesk.ticket.step.wizard"].with_user(self.agent).create(
                {"ticket_id": ticket.id, "step": "summary", "lessons_learned": "x"}
            )

    def test_every_step_fits_some_working_stage(self):
        """The table leaves no step unreachable, and a cancelled ticket none."""
        reachable = {
            step
            for role, steps in process_rules.STEPS_BY_ROLE.items()
            if role != "cancelled"
            for step in steps
        }
        self.assertEqual(reachable, set(process_rules.STEPS))
        self.assertFalse(process_rules.STEPS_BY_ROLE["cancelled"])
        self.assertEqual(
            set(process_rules.STEPS_BY_ROLE), set(process_rules.INSTEAD_BY_ROLE)
        )


@tagged("post_install", "-at_install")
class TestReopenedTicketsDoTheFixAgain(HelpdeskProcessCommon):
    """Back from Resolved or Done, the fix and what follows are done again: the
    next step does not move the ticket straight back past the gates."""

    def _resolved_ticket(self):
        ticket = self._create_ticket(users_affected=3)
        self._log_step(ticket, "assess", users_affected=3, assessment_note="Slow LMS")
        self._send_step_email(ticket, "ack")
        self._log_step(
            ticket,
            "investigate",
            investigation_findings="x",
            investigation_decision="y",
        )
        self._log_step(ticket, "dev_response", root_cause="z", resolution_summary="w")
        self._send_step_email(ticket, "resolve")
        self.assertEqual(ticket.process_role, "resolved")
        return ticket

    def test_reopen_then_an_update_stays_in_progress(self):
        ticket = self._resolved_ticket()
        wizard = (
            self.env["helpdesk.ticket.move.wizard"]
            .with_user(self.agent)
            .create(
                {
                    "ticket_id": ticket.id,
                    "stage_id": self.stage_by_role["in_progress"].id,
                    "reason": "The customer says the LMS is still slow",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(ticket.process_role, "in_progress")
        self.assertFalse(ticket.resolution_date or ticket.dev_response_date)
        self.assertEqual(ticket.process_next_step, "dev_response")
        self.assertTrue(
            ticket.message_ids.filtered(lambda m: "Reopened: the fix" in str(m.body))
        )
        # the earlier fix and resolution stay in the step log
        self.assertEqual(
            ticket.process_step_ids.filtered(lambda s: s.step == "resolve").mapped(
                "step"
            ),
            ["resolve"],
        )
        self._send_step_email(ticket, "update")
        self.assertEqual(ticket.process_role, "in_progress", "no bounce back")
        self._log_step(ticket, "dev_response", root_cause="z2", resolution_summary="w2")
        self._send_step_email(ticket, "resolve")
        self.assertEqual(ticket.process_role, "resolved")
