# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Each rule is defined once and every place that uses it agrees: the step
inputs' labels, the stage roles' labels, who handles a ticket, who may confirm
a resolution for its customer, and the plain tools the models share."""

from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models import process_rules, sla_rules
from ..tools import email_text, working_time
from .common import HelpdeskProcessCommon


@tagged("post_install", "-at_install")
class TestOneDefinition(HelpdeskProcessCommon):
    def test_step_dialog_labels_are_the_tickets(self):
        """The dialog asks for what the ticket shows, under the same label and
        in the reader's language."""
        self.env["res.lang"]._activate_lang("vi_VN")
        for lang in ("en_US", "vi_VN"):
            env = self.env(context=dict(self.env.context, lang=lang))
            ticket_fields = env["helpdesk.ticket"].fields_get(attributes=["string"])
            dialog_fields = env["helpdesk.ticket.step.wizard"].fields_get(
                attributes=["string"]
            )
            for inputs in process_rules.STEP_INPUTS.values():
                for fname in inputs:
                    self.assertEqual(
                        dialog_fields[fname]["string"],
                        ticket_fields[fname]["string"],
                        f"{fname} in {lang}",
                    )
            if lang == "en_US":
                self.assertEqual(
                    ticket_fields["resolution_summary"]["string"],
                    process_rules.INPUT_LABELS["resolution_summary"],
                )

    def test_stage_roles_labelled_by_the_stage_field(self):
        """A refused move names the roles as the stage form lists them."""
        ticket = self._create_ticket()
        labels = dict(
            self.env["helpdesk.ticket.stage"]
            ._fields["process_role"]
            ._description_selection(self.env)
        )
        self.assertEqual(
            set(labels), {code for code, _label in process_rules.PROCESS_ROLES}
        )
        error = ticket._process_move_error(
            self.stage_by_role["waiting"], from_role="closed"
        )
        self.assertIn(
            f"does not go from {labels['closed']} to {labels['waiting']}", error
        )

    def test_one_rule_for_who_handles_a_ticket(self):
        """The assignee, else the team leader: for the process's to-dos and the
        SLA scan's activities alike; nobody else (a note instead)."""
        ticket = self._create_ticket(user_id=self.agent.id)
        self.assertEqual(ticket._process_handler(), self.agent)
        ticket.user_id = False
        self.assertEqual(ticket._process_handler(), self.manager)
        ticket._process_ask_agent("Check with the customer")
        self.assertEqual(ticket.activity_ids.user_id, self.manager)
        self.team.user_id = False
        ticket.activity_ids.unlink()
        self.assertFalse(ticket._process_handler())
        ticket._process_ask_agent("Nobody to ask")
        self.assertFalse(ticket.activity_ids)
        self.assertIn("Nobody to ask", ticket.message_ids[0].body)

    def test_only_the_customer_confirms_through_the_model(self):
        """The check the portal relies on is the model's: an RPC caller or a
        colleague gets the same refusal, and nothing is recorded."""
        ticket = self._create_ticket()
        other = self.portal_user.copy(
            {"login": "other_portal", "email": "other@customer.example.com"}
        )
        with self.assertRaises(AccessError):
            ticket.with_user(other)._process_customer_confirmation("It works")
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent)._process_customer_confirmation("It works")
        self.assertFalse(ticket.customer_confirmation)
        # the customer may: before the resolution email, the agent is asked
        ticket.with_user(self.portal_user)._process_customer_confirmation("OK")
        self.assertFalse(ticket.confirmation_date)
        self.assertIn("before the resolution email", ticket.activity_ids.summary)

    def test_deadline_fields_from_the_kinds(self):
        """The SLA deadlines computed are the kinds' and the three summaries."""
        field = self.env["helpdesk.ticket"]._fields["sla_ack_deadline"]
        computed = {
            fname
            for fname, other in self.env["helpdesk.ticket"]._fields.items()
            if other.compute == field.compute
        }
        self.assertEqual(computed, set(sla_rules.DEADLINE_FIELDS))


@tagged("post_install", "-at_install")
class TestTools(HelpdeskProcessCommon):
    def test_received_date_window(self):
        arrival = datetime(2026, 3, 2, 9, 0)
        cases = {
            "2026-03-02 08:57:00": (datetime(2026, 3, 2, 8, 57), True),
            "2026-03-02 09:03:00": (arrival, True),  # fast clock
            "2026-03-02 08:50:00": (arrival, False),  # backdated
            "2026-03-02 09:30:00": (arrival, False),  # future
            "not a date": (arrival, False),
            "": (arrival, False),
        }
        for header, expected in cases.items():
            self.assertEqual(
                email_text.received_date(header, arrival), expected, header
            )

    def test_users_affected_hint(self):
        cases = {
            "Lớp WEB101: 15 học viên không nộp được bài": 15,
            "users affected: 40": 40,
            "2 students cannot log in": 2,
            "999999 users": 0,  # beyond what an email is trusted for
            "Room 101 is cold": 0,
        }
        for text, expected in cases.items():
            self.assertEqual(email_text.users_affected_hint(text), expected, text)

    def test_ticket_number_in_subject(self):
        self.assertEqual(
            email_text.ticket_number_in_subject("Re: [HT00003] LMS chậm"), "HT00003"
        )
        self.assertIsNone(email_text.ticket_number_in_subject("Re: [note] 12"))
        self.assertIsNone(email_text.ticket_number_in_subject(False))

    def test_working_time_without_and_with_a_calendar(self):
        start = datetime(2026, 3, 6, 16, 0)  # a Friday, 16:00 UTC
        self.assertEqual(
            working_time.add_working_days(False, start, 2), start + timedelta(days=2)
        )
        self.assertEqual(
            working_time.minutes_between(False, start, start + timedelta(hours=3)), 180
        )
        calendar = self.env.ref("resource.resource_calendar_std")
        calendar.tz = "UTC"
        # Friday 16:00 to Monday 10:00: one hour on Friday, two on Monday
        self.assertEqual(
            working_time.minutes_between(calendar, start, datetime(2026, 3, 9, 10, 0)),
            180,
        )
        clock = working_time.WorkingClock()
        self.assertEqual(clock.add(calendar, start, 180), datetime(2026, 3, 9, 10, 0))
