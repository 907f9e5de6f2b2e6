# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The SLA as a signal a team keeps switched on: one breach, note, activity and
email per problem; the promise the emails make is the deadline; finished work
has a final status. Through the scheduled action as Odoo runs it, several runs
in a row, and a run after a downtime."""

from datetime import datetime, timedelta

from odoo.tests import tagged

from odoo.addons.mail.tests.common import freeze_all_time

from .common import HelpdeskProcessCommon

MONDAY = datetime(2026, 11, 30)


def at(day, hhmm):
    """`day` days after Monday 30 November 2026, at hh:mm (UTC)."""
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return MONDAY + timedelta(days=day, hours=hours, minutes=minutes)


@tagged("post_install", "-at_install")
class TestSlaSignal(HelpdeskProcessCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 8-12 and 13-17, Monday to Friday, in UTC to keep the arithmetic readable
        cls.env.company.resource_calendar_id.tz = "UTC"
        cls.customer.tz = "UTC"
        cls.cron = cls.env.ref("mindx_helpdesk_process.ir_cron_flag_sla_breaches")
        cls._hide_other_tickets_from_the_scan()

    def setUp(self):
        super().setUp()
        self.enterContext(freeze_all_time(at(0, "09:00")))

    def _ticket(self, users, received, **values):
        with freeze_all_time(received):
            return self._create_ticket(
                users_affected=users,
                received_date=received,
                user_id=self.agent.id,
                **values,
            )

    def _run_cron(self, when):
        with freeze_all_time(when), self.mock_mail_gateway():
            self.cron.method_direct_trigger()
            sent = list(self._new_mails)
        return sent

    def _step(self, ticket, step, when):
        with freeze_all_time(when), self.mock_mail_gateway():
            if step in ("ack", "update", "resolve", "close"):
                self._send_step_email(ticket, step)
            else:
                ticket.with_user(self.agent)._process_record_step(step)
            return self._mails[-1]["body"] if self._mails else ""

    def _notes(self, ticket, kind_label):
        """The notes the scan logged (not the activity's "done" message)."""
        return ticket.message_ids.filtered(
            lambda m: m.message_type == "comment"
            and f"SLA breached: {kind_label}" in (m.body or "")
        )

    def _breach_activities(self, ticket):
        return ticket.activity_ids.filtered(lambda a: "SLA breached" in a.summary)

    # -- 1. one signal per problem --------------------------------------------------

    def test_update_breach_stays_one_while_the_customer_waits(self):
        ticket = self._ticket(10, at(0, "09:00"))  # Priority: updates every 15 min
        ticket.sudo().assessment_date = at(0, "09:02")
        self._step(ticket, "ack", at(0, "09:05"))
        self.assertEqual(ticket.sla_update_deadline, at(0, "09:20"))
        for minute in ("09:19", "09:20", "09:25", "09:35", "09:50", "09:51"):
            self._run_cron(at(0, minute))
        update = ticket.sla_breach_ids.filtered(lambda b: b.kind == "update")
        self.assertEqual(len(update), 1, "one breach however many windows pass")
        self.assertEqual(update.deadline, at(0, "09:20"))
        self.assertEqual(update.windows_missed, 3, "09:20, 09:35 and 09:50")
        self.assertEqual(len(self._notes(ticket, "Customer update")), 1)
        self.assertEqual(len(self._breach_activities(ticket)), 1)
        self.assertEqual(ticket.sla_update_deadline, at(0, "10:05"))
        # the customer's update closes it, and the next problem is a new one
        self._step(ticket, "update", at(0, "09:52"))
        self.assertEqual(update.done_date, at(0, "09:52"))
        self.assertEqual(update.windows_missed, 3)
        self.assertFalse(self._breach_activities(ticket))
        self.assertEqual(ticket.sla_update_deadline, at(0, "10:07"))
        self._run_cron(at(0, "10:07"))
        updates = ticket.sla_breach_ids.filtered(lambda b: b.kind == "update")
        self.assertEqual(len(updates), 2)
        self.assertEqual(len(self._notes(ticket, "Customer update")), 2)

    def test_after_two_hours_of_downtime_each_kind_is_flagged_once(self):
        # Expedite: ACK 10, updates every 10, escalation 10, resolution 120 minutes
        ticket = self._ticket(30, at(0, "09:00"))
        ticket.sudo().assessment_date = at(0, "09:02")
        self._step(ticket, "ack", at(0, "09:05"))
        self._step(ticket, "investigate", at(0, "09:06"))
        mails = self._run_cron(at(0, "11:05"))  # the first run after the downtime
        by_kind = {b.kind: b for b in ticket.sla_breach_ids}
        self.assertEqual(set(by_kind), {"update", "escalation", "resolve"})
        self.assertEqual(by_kind["update"].windows_missed, 12, "09:15 ... 11:05")
        self.assertEqual(by_kind["escalation"].minutes_late, 109, "the real lateness")
        self.assertEqual(by_kind["resolve"].minutes_late, 5)
        self.assertEqual(len(ticket.activity_ids), 3)
        self.assertEqual(
            len([m for m in mails if self.manager.email in str(m["email_to"])]), 3
        )
        notes = ticket.message_ids.filtered(lambda m: "SLA breached" in (m.body or ""))
        self.assertEqual(len(notes), 3)
        # the next runs tell nobody anything new
        for minute in ("11:10", "11:15", "11:30"):
            self.assertFalse(
                [m for m in self._run_cron(at(0, minute)) if "SLA" in m["subject"]]
            )
        self.assertEqual(len(ticket.sla_breach_ids), 3)
        self.assertEqual(len(ticket.activity_ids), 3)
        self.assertEqual(by_kind["update"].windows_missed, 14, "11:15, 11:25 counted")

    def test_compliance_counts_every_missed_window(self):
        ticket = self._ticket(10, at(0, "09:00"))
        ticket.sudo().assessment_date = at(0, "09:02")
        self._step(ticket, "ack", at(0, "09:05"))
        self._run_cron(at(0, "09:50"))  # 09:20, 09:35, 09:50 missed
        self._step(ticket, "update", at(0, "09:52"))
        self.env.flush_all()
        row = self.env["helpdesk.process.analysis"].search(
            [("ticket_id", "=", ticket.id)]
        )
        self.assertEqual(row.breach_update_count, 3)
        # three deadlines missed (the update at 09:52 answered the first, late)
        self.assertEqual((row.update_due, row.update_met), (3, 0))
        # the incident report counts the same, with the same measure (sla_rules)
        report = self.env["report.mindx_helpdesk_process.report_helpdesk_incident"]
        self.assertEqual(report._update_counts(ticket), (0, 3))

    # -- 2. the promise is the deadline ---------------------------------------------

    def test_each_email_promises_its_send_time_plus_the_cadence(self):
        ticket = self._ticket(10, at(0, "09:58"))  # Priority, around the clock
        ticket.sudo().assessment_date = at(0, "09:59")
        for step, sent, promised in (
            ("ack", "10:00", "10:15"),
            ("update", "10:05", "10:20"),
            ("update", "10:14", "10:29"),
        ):
            with self.subTest(step=step, sent=sent):
                body = self._step(ticket, step, at(0, sent))
                self.assertIn(promised, body)
                self.assertEqual(ticket.sla_update_deadline, at(0, promised))
                self.assertEqual(ticket.next_update_due, at(0, promised))
        log = ticket.process_step_ids.filtered(lambda s: s.step == "update")
        self.assertEqual(log.mapped("deadline"), [at(0, "10:15"), at(0, "10:20")])
        self.assertEqual(set(log.mapped("target_state")), {"met"})

    def test_working_hours_promise_across_an_evening_and_a_weekend(self):
        # Standard: an update every 8 working hours (one working day)
        ticket = self._ticket(1, at(3, "16:30"))  # Thursday
        ticket.sudo().assessment_date = at(3, "16:40")
        body = self._step(ticket, "ack", at(3, "17:30"))  # Thursday evening
        self.assertEqual(ticket.sla_update_deadline, at(4, "17:00"))  # Friday
        self.assertIn("17:00", body.replace("5:00 PM", "17:00"))
        self._step(ticket, "update", at(4, "16:00"))  # Friday, one hour left
        self.assertEqual(ticket.sla_update_deadline, at(7, "16:00"))  # Monday

    def test_the_composer_keeps_the_promise_it_showed(self):
        """Opened at 10:00, sent at 10:03: the email says 10:15, so does the SLA."""
        ticket = self._ticket(10, at(0, "09:58"))
        ticket.sudo().assessment_date = at(0, "09:59")
        with freeze_all_time(at(0, "10:00")):
            action = ticket.with_user(self.agent).action_process_ack()
            composer = (
                self.env[action["res_model"]]
                .with_user(self.agent)
                .with_context(**action["context"])
                .create({})
            )
            # what the dialog shows when it opens (the client's onchange)
            self.assertIn("10:15", str(composer.body))
        with freeze_all_time(at(0, "10:03")), self.mock_mail_gateway():
            composer.action_send_mail()
        self.assertEqual(ticket.ack_date, at(0, "10:03"))
        self.assertEqual(ticket.sla_update_deadline, at(0, "10:15"))

    # -- 3. finished tickets have a final status ------------------------------------

    def test_finished_tickets_are_met_or_breached_cancelled_have_none(self):
        met = self._ticket(1, at(0, "09:00"))
        self._force_stage(met, "resolved")
        self.assertEqual(met.sla_status, "met")
        self._force_stage(met, "closed")
        self.assertEqual(met.sla_status, "met")
        late = self._ticket(10, at(0, "09:00"))
        self._run_cron(at(0, "09:30"))
        self._force_stage(late, "closed")
        self.assertEqual(late.sla_status, "breached")
        cancelled = self._ticket(10, at(0, "09:00"))
        self._run_cron(at(0, "09:14"))
        self._force_stage(cancelled, "cancelled")
        self.assertFalse(cancelled.sla_status)
        tickets = met | late | cancelled
        on_track = self.env["helpdesk.ticket"].search(
            [("id", "in", tickets.ids), ("sla_status", "in", ("on_track", "at_risk"))]
        )
        self.assertFalse(on_track)

    # -- 4. urgency where agents look ----------------------------------------------

    def test_next_deadline_names_its_kind_and_due_soon_finds_it(self):
        ticket = self._ticket(10, at(0, "09:00"))  # Priority: ACK within 15 min
        self.assertEqual(
            (ticket.sla_next_deadline, ticket.sla_next_kind), (at(0, "09:15"), "ack")
        )
        ticket.sudo().assessment_date = at(0, "09:02")
        self._step(ticket, "ack", at(0, "09:05"))
        self.assertEqual(
            (ticket.sla_next_deadline, ticket.sla_next_kind),
            (at(0, "09:20"), "update"),
        )
        later = self._ticket(1, at(0, "09:00"))  # Standard: ACK at 14:00
        Ticket = self.env["helpdesk.ticket"]
        mine = [("id", "in", (ticket | later).ids)]
        for now, expected in (
            (at(0, "08:00"), self.env["helpdesk.ticket"]),
            (at(0, "08:30"), ticket),  # 09:20 within the hour
            (at(0, "13:30"), ticket | later),  # one overdue, one due at 14:00
        ):
            with self.subTest(now=now), freeze_all_time(now):
                self.assertEqual(
                    Ticket.search(mine + [("sla_due_soon", "=", True)]), expected
                )
                self.assertEqual(
                    Ticket.search(mine + [("sla_due_soon", "=", False)]),
                    (ticket | later) - expected,
                )

    def test_dashboard_counts_open_tickets_at_risk_and_breached(self):
        late = self._ticket(10, at(0, "09:00"))
        self._ticket(10, at(0, "09:10"))  # at risk at 09:22
        closed = self._ticket(10, at(0, "09:00"))
        self._run_cron(at(0, "09:23"))
        self._force_stage(closed, "closed")
        self.assertEqual(late.sla_status, "breached")
        self.team.invalidate_recordset()
        self.assertEqual(
            (self.team.sla_at_risk_ticket_count, self.team.sla_breached_ticket_count),
            (1, 1),
            "the closed ticket's final Breached is not open work",
        )

    def test_views_sort_by_what_is_due_first(self):
        for view in (
            "helpdesk_mgmt.ticket_view_tree",
            "helpdesk_mgmt.view_helpdesk_ticket_kanban",
        ):
            arch = self.env["helpdesk.ticket"].get_view(self.env.ref(view).id)["arch"]
            with self.subTest(view=view):
                self.assertIn('default_order="sla_next_deadline', arch)
                self.assertIn('widget="sla_countdown"', arch)

    def test_a_cancelled_ticket_leaves_no_breach_open(self):
        """Spam, a duplicate, a withdrawn request: no step is owed any more, so
        its breaches and their activities are closed, not left to the agent."""
        ticket = self._ticket(10, at(0, "08:00"))
        self._run_cron(at(0, "08:30"))
        breach = ticket.sla_breach_ids
        self.assertTrue(breach.activity_id)
        with freeze_all_time(at(0, "08:40")):
            ticket.with_user(self.agent).with_context(
                mindx_move_reason="Duplicate of another report"
            ).write({"stage_id": self.stage_by_role["cancelled"].id})
        self.assertTrue(breach.done_date)
        self.assertFalse(breach.activity_id.exists(), "the activity is done")
        self.assertFalse(ticket.sla_status, "no service owed")
        self.assertFalse(self._run_cron(at(0, "10:00")), "nothing flagged later")
