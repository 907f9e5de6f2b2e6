# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bad and hostile input, through the ORM and the portal: refused in words or
stored as typed, never a traceback, never half-written, always shown as text.

What agents' scripts send to tickets over RPC is tested against a running server
in the repository's tests/test_external_rpc.py; here: the configuration (policies,
SLA targets, company settings), the step dialogs, cancelled tickets, batches, and
what every email, note, page and checklist makes of markup, SQL-looking text and
non-Latin scripts. A stage of another company or team: test_process_gate.py.
"""

import re
from urllib.parse import urlencode

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from ..models.process_rules import TEMPLATE_BY_STEP
from .common import SATISFY, HelpdeskProcessCommon, HelpdeskProcessHttpCommon

SCRIPT = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
SCRIPT_ESCAPED = "&lt;script&gt;alert("
SQL_LIKE = "Robert'); DROP TABLE helpdesk_ticket; -- OR 1=1"
VIETNAMESE = "Lớp học không nộp được bài"
EMOJI = "LMS sập rồi 🔥😱"
ARABIC = "لا يمكن تسليم الواجبات"
UNICODE_TEXTS = (VIETNAMESE, EMOJI, ARABIC, f"{ARABIC} — {VIETNAMESE} 🔥")
TEMPLATES = (
    "mail_template_ack",
    "mail_template_update",
    "mail_template_escalation",
    "mail_template_resolution",
    "mail_template_closure",
    "mail_template_confirmation_reminder",
)
# every text field of the ticket that some email, note or page shows
TEXT_FIELDS = (
    "workaround",
    "investigation_findings",
    "investigation_scope",
    "investigation_hypothesis",
    "escalation_request",
    "escalation_links",
    "root_cause",
    "resolution_summary",
    "permanent_fix_plan",
    "verification_checklist",
    "follow_up_plan",
)


def _assert_markup_shown_as_text(case, html, what):
    """The payload is shown as text: escaped, never as tags (pages have their own
    <script> tags, so the payload's tags are looked for, not any tag)."""
    html = str(html)
    case.assertNotIn('<script>alert("pwned")', html, what)
    case.assertNotIn("onerror=alert(1)>", html, what)
    case.assertIn(SCRIPT_ESCAPED, html, what)


@tagged("post_install", "-at_install")
class TestHostileConfiguration(HelpdeskProcessCommon):
    """Policies, SLA targets and company settings: managers type them, scripts
    send them; a wrong one would break every ticket of the class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.env.company.helpdesk_cos_policy_id
        cls.line = cls.policy.line_ids.filtered(
            lambda line: line.class_of_service == "standard"
        )

    def test_policy_thresholds(self):
        """Each value refused names the field, and one out of range or order the
        policy too (written or created); the policy keeps its values."""
        ordered = "the thresholds must be positive and ordered"
        cases = [
            # (values, the words the message must contain)
            ({"priority_min_users": "five"}, ["'Priority from (users)'", "'five'"]),
            ({"priority_min_users": [5]}, ["'Priority from (users)'", "[5]"]),
            ({"priority_min_users": 5.5}, ["'Priority from (users)'", "5.5"]),
            ({"expedite_min_users": float("inf")}, ["'Expedite from (users)'", "inf"]),
            ({"expedite_min_users": 10**12}, ["'Expedite from (users)'"]),
            (
                {"priority_min_users": -1},
                ["Policy {policy}:", ordered, "'Priority from' (-1)", "at least 1"],
            ),
            (
                {"priority_min_users": 0, "expedite_min_users": 26},
                ["Policy {policy}:", ordered, "'Priority from' (0)"],
            ),
            (
                {"priority_min_users": 10, "expedite_min_users": 10},
                ["Policy {policy}:", ordered, "lower than 'Expedite from' (10)"],
            ),
            (
                {"priority_min_users": 20, "expedite_min_users": 5},
                ["Policy {policy}:", "'Priority from' (20)", "'Expedite from' (5)"],
            ),
            (
                {"priority_min_users": 40},
                ["Policy {policy}:", ordered, "lower than 'Expedite from' (26)"],
            ),
            (
                {"expedite_min_users": 2_000_000_000},
                ["Policy {policy}:", "cannot exceed 10000000"],
            ),
            (
                {"priority_min_users": 5, "expedite_min_users": 10_000_001},
                ["Policy {policy}:", "cannot exceed 10000000"],
            ),
        ]
        Policy = self.env["helpdesk.cos.policy"].with_user(self.manager)
        for values, words in cases:
            with self.subTest(values=values):
                for name, operation in (
                    (
                        self.policy.display_name,
                        lambda values=values: self.policy.with_user(self.manager).write(
                            values
                        ),
                    ),
                    (
                        "Exam season",
                        lambda values=values: Policy.create(
                            {"name": "Exam season", **values}
                        ),
                    ),
                ):
                    with self.assertRaises(ValidationError) as catcher:
                        operation()
                    for word in words:
                        self.assertIn(word.format(policy=name), str(catcher.exception))
        self.assertEqual(
            (self.policy.priority_min_users, self.policy.expedite_min_users), (5, 26)
        )
        self.assertFalse(Policy.search([("name", "=", "Exam season")]))

    def test_at_risk_share(self):
        """A share of the time, strictly between 0 and 1: 80 (meaning 80%) or NaN
        would flag every ticket at once or never."""
        for ratio in (0, 1, -0.5, 80, float("nan"), float("inf")):
            with self.subTest(ratio=ratio):
                with self.assertRaisesRegex(ValidationError, "'At risk from'"):
                    self.policy.write({"sla_at_risk_ratio": ratio})
        self.assertEqual(self.policy.sla_at_risk_ratio, 0.8)

    def test_sla_minutes(self):
        """Targets are positive whole minutes, 100 days at most: more is a typo
        that resource.calendar cannot even plan in working time."""
        cases = [
            ({"ack_minutes": "ten"}, "'ACK within (minutes)' must be a whole number"),
            ({"update_minutes": 10**12}, "'Update every (minutes)' must be a whole"),
            ({"resolve_minutes": 0}, "'Resolve within (minutes)' must be between 1"),
            ({"escalation_minutes": -20}, "'Escalate within (minutes)' must be betw"),
            (
                {"resolve_minutes": 144_001},
                "and 144,000 minutes (100 days), not 144001",
            ),
            ({"resolve_minutes": 5_000_000}, "and 144,000 minutes (100 days)"),
        ]
        for values, words in cases:
            with self.subTest(values=values):
                with self.assertRaisesRegex(ValidationError, re.escape(words)):
                    self.line.with_user(self.manager).write(values)
                with self.assertRaisesRegex(ValidationError, re.escape(words)):
                    self.env["helpdesk.cos.policy"].with_user(self.manager).create(
                        {
                            "name": "Exam season",
                            "line_ids": [
                                Command.create(
                                    {"class_of_service": "standard"} | values
                                )
                            ],
                        }
                    )
        self.assertEqual(
            (self.line.ack_minutes, self.line.resolve_minutes), (240, 1440)
        )
        self.line.resolve_minutes = 144_000
        ticket = self._create_ticket(users_affected=1)
        self.assertGreater(ticket.sla_resolve_deadline, ticket.sla_ack_deadline)

    def test_calendar_without_enough_working_time_still_gives_deadlines(self):
        """A class counted on a calendar with one working hour a week: its longest
        target lies beyond what resource.calendar plans. Creating a ticket (the
        mail gateway does it for every customer email) must not fail on it."""
        calendar = self.env["resource.calendar"].create(
            {
                "name": "Monday 8-9",
                "tz": "UTC",
                "attendance_ids": [
                    Command.clear(),
                    Command.create(
                        {
                            "name": "Monday",
                            "dayofweek": "0",
                            "hour_from": 8,
                            "hour_to": 9,
                        }
                    ),
                ],
            }
        )
        self.line.write({"calendar_id": calendar.id, "resolve_minutes": 144_000})
        ticket = self._create_ticket(users_affected=1)
        self.assertTrue(ticket.sla_ack_deadline)
        self.assertGreater(ticket.sla_resolve_deadline, ticket.sla_ack_deadline)
        self.assertEqual(ticket.sla_next_deadline, ticket.sla_ack_deadline)
        calendar.attendance_ids = [Command.clear()]
        empty = self._create_ticket(users_affected=1)
        self.assertTrue(empty.sla_ack_deadline, "counted around the clock")

    def test_company_days(self):
        """The reopen window and the reminder delay: whole days within a year. A
        huge window made the gateway fail on every reply to a closed ticket; a
        value the database cannot hold is refused naming the field."""
        company = self.env.company
        whole = "'Reopen window (days)' must be a whole number"
        cases = [
            # (values, the words the message must contain)
            ({"helpdesk_reopen_window_days": -1}, [company.name]),
            ({"helpdesk_confirm_reminder_days": 0}, [company.name]),
            ({"helpdesk_reopen_window_days": 366}, [company.name]),
            ({"helpdesk_reopen_window_days": 400}, ["cannot exceed 365 days"]),
            ({"helpdesk_reopen_window_days": 2_000_000_000}, [company.name]),
            ({"helpdesk_confirm_reminder_days": 2_000_000_000}, [company.name]),
            ({"helpdesk_reopen_window_days": 3_000_000_000}, [whole]),
            ({"helpdesk_reopen_window_days": "seven"}, [whole]),
        ]
        for values, words in cases:
            with self.subTest(values=values):
                with self.assertRaises(ValidationError) as catcher:
                    company.write(values)
                for word in words:
                    self.assertIn(word, str(catcher.exception))
        self.assertEqual(
            (
                company.helpdesk_reopen_window_days,
                company.helpdesk_confirm_reminder_days,
            ),
            (7, 2),
        )
        company.write(
            {"helpdesk_reopen_window_days": 365, "helpdesk_confirm_reminder_days": 365}
        )
        self.assertEqual(company.helpdesk_reopen_window_days, 365)

    def test_refused_batches_leave_nothing(self):
        """A batch with one bad record: none of it is stored."""
        Policy = self.env["helpdesk.cos.policy"].with_user(self.manager)
        with self.assertRaises(ValidationError):
            Policy.create(
                [
                    {"name": "Good policy"},
                    {"name": "Bad policy", "priority_min_users": 0},
                ]
            )
        self.assertFalse(Policy.search([("name", "in", ["Good policy", "Bad policy"])]))
        lines = self.policy.line_ids
        before = lines.mapped("ack_minutes")
        with self.assertRaises(ValidationError):
            self.policy.with_user(self.manager).write(
                {
                    "line_ids": [
                        Command.update(lines[0].id, {"ack_minutes": 3}),
                        Command.update(lines[1].id, {"ack_minutes": -3}),
                    ]
                }
            )
        self.assertEqual(lines.mapped("ack_minutes"), before)
        teams = self.team | self.env["helpdesk.ticket.team"].create({"name": "Exams"})
        with self.assertRaisesRegex(ValidationError, "not a valid email address"):
            teams.write({"escalation_email": f"dev-team; {SQL_LIKE}"})
        self.assertEqual(teams.mapped("escalation_email"), [False, False])


@tagged("post_install", "-at_install")
class TestHostileTicketInput(HelpdeskProcessCommon):
    """Tickets, step dialogs and moves: wrong values refused in words, nothing
    half-written; text kept as typed."""

    def test_refused_ticket_batches_leave_nothing(self):
        names = ["Good ticket", "Bad ticket"]
        with self.assertRaisesRegex(ValidationError, "'Users affected'"):
            self.env["helpdesk.ticket"].with_user(self.agent).create(
                [
                    {"name": names[0], "description": "x", "team_id": self.team.id},
                    {
                        "name": names[1],
                        "description": "x",
                        "team_id": self.team.id,
                        "users_affected": -4,
                    },
                ]
            )
        self.assertFalse(self.env["helpdesk.ticket"].search([("name", "in", names)]))
        ready = self._create_ticket()
        ready.sudo().write(SATISFY["assess"] | SATISFY["ack"])
        not_ready = self._create_ticket()
        with self.assertRaisesRegex(UserError, re.escape(not_ready.display_name)):
            (ready | not_ready).with_user(self.agent).write(
                {"stage_id": self.stage_by_role["in_progress"].id, "users_affected": 9}
            )
        for ticket in ready | not_ready:
            self.assertEqual(ticket.stage_id.process_role, "new")
            self.assertEqual(ticket.users_affected, 1)

    def test_step_dialog_values(self):
        """The dialog's numbers are checked as the ticket's; long texts are kept
        whole, on the ticket and in the note."""
        ticket = self._create_ticket()
        for users, words in (
            ("many", "'Users affected' must be a whole number"),
            (10**12, "'Users affected' must be a whole number"),
            (-3, "'Users affected' must be between 1 and"),
        ):
            with self.subTest(users=users):
                with self.assertRaisesRegex(ValidationError, re.escape(words)):
                    self._log_step(
                        ticket, "assess", users_affected=users, assessment_note="x"
                    )
        self.assertFalse(ticket.assessment_date)
        self.assertFalse(
            ticket.message_ids.filtered(lambda m: "Classify" in (m.body or ""))
        )
        long_note = "Sĩ số 45 học viên, cả lớp bị chặn. " * 10_000  # ~400 kB
        self._log_step(ticket, "assess", users_affected=45, assessment_note=long_note)
        self.assertEqual(ticket.assessment_note, long_note)
        self.assertIn(long_note[:2000], ticket.message_ids[0].body)

    def test_move_dialog_values(self):
        """A blank reason is no reason; any text is one, kept as typed and shown
        as text in the note."""
        ticket = self._create_ticket()
        Wizard = self.env["helpdesk.ticket.move.wizard"].with_user(self.agent)
        for reason in (" ", "   \n\t "):
            wizard = Wizard.create(
                {
                    "ticket_id": ticket.id,
                    "stage_id": self.stage_by_role["cancelled"].id,
                    "reason": reason,
                }
            )
            with self.subTest(reason=reason):
                with self.assertRaisesRegex(UserError, "write the reason"):
                    wizard.action_confirm()
        self.assertEqual(ticket.stage_id.process_role, "new")
        wizard = Wizard.create(
            {
                "ticket_id": ticket.id,
                "stage_id": self.stage_by_role["cancelled"].id,
                "reason": f"{SCRIPT} {SQL_LIKE} {VIETNAMESE}",
            }
        )
        wizard.action_confirm()
        self.assertEqual(ticket.stage_id.process_role, "cancelled")
        note = ticket.message_ids[0].body
        _assert_markup_shown_as_text(self, note, "move note")
        self.assertIn(VIETNAMESE, note)
        self.assertIn("DROP TABLE helpdesk_ticket", note)

    def test_no_step_on_a_cancelled_ticket(self):
        """A cancelled ticket (spam, duplicate) highlights no step, and no step
        dialog or email can be opened on it: no ACK to a spammer."""
        ticket = self._create_ticket()
        self.assertEqual(ticket.process_next_step, "assess")
        ticket.with_user(self.agent).with_context(mindx_move_reason="Spam").write(
            {"stage_id": self.stage_by_role["cancelled"].id}
        )
        self.assertFalse(ticket.process_next_step)
        for method in (
            "action_process_assess",
            "action_process_ack",
            "action_process_update",
            "action_process_summary",
            "action_process_confirm_suggestion",
        ):
            with self.subTest(method=method):
                with self.assertRaisesRegex(UserError, "is cancelled"):
                    getattr(ticket.with_user(self.agent), method)()
        self.assertFalse(ticket.process_step_ids)

    def test_dialog_opened_before_the_cancel_records_nothing(self):
        """The header buttons refuse a cancelled ticket; a dialog opened before
        the cancel (or an RPC client creating the dialog) is refused at confirm."""
        ticket = self._create_ticket()
        action = ticket.with_user(self.agent).action_process_assess()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.agent)
            .with_context(**action["context"])
            .create({"users_affected": 3, "assessment_note": "x"})
        )
        ticket.with_user(self.agent).with_context(mindx_move_reason="Spam").write(
            {"stage_id": self.stage_by_role["cancelled"].id}
        )
        with self.assertRaisesRegex(UserError, "is cancelled"):
            wizard.action_confirm()
        self.assertFalse(ticket.assessment_date)
        self.assertFalse(ticket.process_step_ids)

    def test_class_override_of_the_wrong_type(self):
        ticket = self._create_ticket()
        for value in (["expedite"], {"a": 1}, 3, "urgent"):
            with self.subTest(value=value):
                with self.assertRaisesRegex(ValidationError, "'Class override' must"):
                    ticket.with_user(self.agent).write(
                        {"cos_override": value, "cos_override_reason": "x"}
                    )
        self.assertFalse(ticket.cos_override)

    def test_sql_looking_text_is_just_text(self):
        """Parameters, never SQL: the text is stored, found and searched as is."""
        ticket = self._create_ticket(
            name=SQL_LIKE, description=f"<p>{SQL_LIKE}</p>", users_affected=3
        )
        self._log_step(ticket, "assess", users_affected=3, assessment_note=SQL_LIKE)
        Ticket = self.env["helpdesk.ticket"].with_user(self.agent)
        self.assertEqual(Ticket.search([("name", "=", SQL_LIKE)]), ticket)
        self.assertEqual(Ticket.search([("name", "ilike", "DROP TABLE")]), ticket)
        self.assertIn(ticket.id, [rec[0] for rec in Ticket.name_search(SQL_LIKE)])
        self.assertEqual(ticket.assessment_note, SQL_LIKE)

    def test_unicode_round_trip(self):
        """Vietnamese, emoji and Arabic (right to left): stored, searched and
        sent as typed."""
        for text in UNICODE_TEXTS:
            with self.subTest(text=text):
                ticket = self._create_ticket(name=text, description=f"<p>{text}</p>")
                self._log_step(
                    ticket, "assess", users_affected=16, assessment_note=text
                )
                self.assertEqual(ticket.name, text)
                self.assertEqual(ticket.assessment_note, text)
                self.assertIn(text, ticket.message_ids[0].body)
                self.assertIn(
                    ticket,
                    self.env["helpdesk.ticket"].search([("name", "ilike", text[:12])]),
                )
                with self.mock_mail_gateway():
                    self._send_step_email(ticket, "ack")
                mail = self._mails[-1]
                self.assertIn(text, mail["subject"])
                self.assertIn(text, mail["body"])

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_unicode_and_markup_through_the_mail_gateway(self):
        """A customer who writes in Vietnamese, with emoji and markup in the
        subject and their name: a ticket named as they wrote, shown as text."""
        ticket = self._receive_email(
            f"{VIETNAMESE} {SCRIPT} 🔥",
            body=f"Chào anh,\n15 học viên không nộp được bài. {ARABIC}\n{SCRIPT}",
            email_from=f'"Hà {SCRIPT}" <ha.nguyen@customer.example.com>',
        )
        self.assertEqual(ticket.name, f"{VIETNAMESE} {SCRIPT} 🔥")
        self.assertEqual(ticket.users_affected, 15)
        self.assertNotIn("<script", str(ticket.description))
        self.assertIn(ARABIC, str(ticket.description))
        rendered = self.env.ref(
            "mindx_helpdesk_process.mail_template_ack"
        )._render_field("body_html", ticket.ids)[ticket.id]
        _assert_markup_shown_as_text(self, rendered, "ACK of an emailed ticket")
        self.assertIn(VIETNAMESE, rendered)


@tagged("post_install", "-at_install")
class TestMarkupEscaped(HelpdeskProcessCommon):
    """Markup typed anywhere (customer's name, subject, the agent's notes, the
    agent's own name) comes out as text in every email, note and checklist."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.name = f"Hà {SCRIPT}"
        cls.agent.name = f"Agent {SCRIPT}"
        cls.team.write(
            {"name": f"LMS {SCRIPT}", "escalation_email": "dev-team@mindx.example.com"}
        )
        cls.ticket = cls._create_ticket(
            name=f"LMS down {SCRIPT}",
            description=f"<p>Hello</p>{SCRIPT}",
            users_affected=30,
            user_id=cls.agent.id,
            cos_override="expedite",
            cos_override_reason=SCRIPT,
        )
        cls.ticket.sudo().write(
            dict.fromkeys(TEXT_FIELDS, SCRIPT)
            | SATISFY["assess"]
            | SATISFY["ack"]
            | SATISFY["investigate"]
            | SATISFY["escalate"]
        )

    def test_every_template_escapes(self):
        """Each process email, rendered as the composer and the scan render it."""
        for xmlid in TEMPLATES:
            template = self.env.ref(f"mindx_helpdesk_process.{xmlid}")
            with self.subTest(template=xmlid):
                body = template._render_field("body_html", self.ticket.ids)[
                    self.ticket.id
                ]
                _assert_markup_shown_as_text(self, body, xmlid)

    def test_sent_emails_escape(self):
        """The emails as they leave, the notification layout around them (each
        sent where it fits: the closure once resolved)."""
        self._force_stage(self.ticket, "in_progress")
        for step in TEMPLATE_BY_STEP:
            if step == "close":
                self._force_stage(self.ticket, "resolved")
            with self.subTest(step=step), self.mock_mail_gateway():
                self._send_step_email(self.ticket, step)
                mail = self._mails[-1]
                _assert_markup_shown_as_text(self, mail["body"], step)
                self.assertIn(self.customer.email, mail["email_to"][0])

    def test_notes_and_activities_escape(self):
        """The step's note, the escalation it sends, and the agent's to-do made
        from a customer's words."""
        ticket = self.ticket
        with self.mock_mail_gateway():
            self._log_step(
                ticket,
                "escalate",
                investigation_findings=SCRIPT,
                escalation_request=SCRIPT,
            )
        for message in ticket.message_ids.filtered("body"):
            with self.subTest(message=message.id):
                self.assertNotIn("<script", str(message.body))
        self.assertIn(SCRIPT_ESCAPED, str(ticket.message_ids[0].body))
        self.assertEqual(ticket.cos_override_reason, SCRIPT, "stored as typed")
        self.assertNotIn(SCRIPT, ticket.cos_rationale, "internal: not in the rationale")
        ticket._process_ask_agent(f"Customer said {SCRIPT}", SCRIPT)
        self.assertTrue(ticket.activity_ids)
        for activity in ticket.activity_ids:
            self.assertNotIn("<script", str(activity.note))

    def test_agent_name_in_the_checklist(self):
        """The checklist is HTML built by the addon (not sanitized): who did each
        step is escaped there."""
        ticket = self._create_ticket()
        self._log_step(ticket, "assess", users_affected=3, assessment_note="x")
        html = str(ticket.process_checklist_html)
        self.assertNotIn("<script", html)
        self.assertIn(f"Agent {SCRIPT_ESCAPED}", html)


@tagged("post_install", "-at_install")
class TestHostilePortal(HelpdeskProcessHttpCommon):
    """The customer's pages: what a hostile or non-Latin ticket shows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.name = f"Hà {SCRIPT}"
        cls.ticket = cls._create_ticket(
            name=f"{VIETNAMESE} {SCRIPT} {EMOJI} {ARABIC}",
            description=f"<p>{SQL_LIKE}</p>{SCRIPT}",
            users_affected=16,
            cos_override="expedite",
            cos_override_reason=SCRIPT,
        )
        cls.ticket.message_post(
            body=SCRIPT, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        cls.other = mail_new_test_user(
            cls.env,
            login="other_coordinator",
            groups="base.group_portal",
            email="other@customer.example.com",
        )

    def test_ticket_page(self):
        """/my/ticket: name, customer, class and description as the customer sees
        them."""
        self.authenticate("ha_coordinator", "ha_coordinator")
        response = self.url_open(f"/my/ticket/{self.ticket.id}")
        self.assertEqual(response.status_code, 200)
        _assert_markup_shown_as_text(self, response.text, "ticket page")
        for text in (VIETNAMESE, EMOJI, ARABIC, "DROP TABLE helpdesk_ticket"):
            self.assertIn(text, response.text)
        self.assertIn("Expedite", response.text)

    def test_ticket_list_and_search(self):
        """SQL-looking and markup searches are plain searches, within the
        customer's own tickets."""
        self.authenticate("ha_coordinator", "ha_coordinator")
        response = self.url_open("/my/tickets")
        self.assertEqual(response.status_code, 200)
        _assert_markup_shown_as_text(self, response.text, "ticket list")
        self.assertIn(VIETNAMESE, response.text)
        for search in (SQL_LIKE, "' OR 1=1 --", SCRIPT, VIETNAMESE[:10]):
            with self.subTest(search=search):
                response = self.url_open(
                    "/my/tickets?" + urlencode({"search": search, "search_in": "all"})
                )
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("<script>alert", response.text)
        self.authenticate("other_coordinator", "other_coordinator")
        response = self.url_open(
            "/my/tickets?" + urlencode({"search": "' OR 1=1 --", "search_in": "all"})
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(VIETNAMESE, response.text)

    def test_chatter_messages_escape(self):
        """What the portal chatter shows: the stored bodies, as HTML."""
        bodies = self.ticket.message_ids.mapped("body")
        self.assertTrue(any(SCRIPT_ESCAPED in str(body) for body in bodies))
        for body in bodies:
            self.assertNotIn("<script", str(body))
