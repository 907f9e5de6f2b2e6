# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta
from email.message import EmailMessage

from odoo.tests import freeze_time, tagged

from odoo.addons.mail.tests.common import freeze_all_time

from .common import HelpdeskProcessCommon

MONDAY_9 = datetime(2026, 11, 30, 9, 0)
USERS_BY_CLASS = {"standard": 1, "priority": 10, "expedite": 30}


def at(day, hhmm):
    """`day` days after Monday 30 November 2026, at hh:mm (UTC)."""
    return datetime(2026, 11, 30, int(hhmm[:2]), int(hhmm[3:])) + timedelta(days=day)


@tagged("post_install", "-at_install")
class TestSla(HelpdeskProcessCommon):
    """The SLA arithmetic and the breach scan, on the clock of a fixed week.

    Every test runs with the whole clock (Python's and the cursor's) frozen in
    that week, and each ticket is created at the time it was received: nothing
    here reads the real date, so the outcome is the same on any day the suite
    runs (CI runs it again with the machine's clock moved by years).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 8-12 and 13-17, Monday to Friday, in UTC to keep the arithmetic readable
        cls.calendar = cls.env.company.resource_calendar_id
        cls.calendar.tz = "UTC"
        cls.policy = cls.env.company.helpdesk_cos_policy_id
        cls._hide_other_tickets_from_the_scan()

    def setUp(self):
        super().setUp()
        self.enterContext(freeze_all_time(MONDAY_9))

    def _ticket(self, cos, received=MONDAY_9, **values):
        """A ticket created when it was received, as the mail gateway does."""
        with freeze_all_time(received):
            return self._create_ticket(
                users_affected=USERS_BY_CLASS[cos], received_date=received, **values
            )

    def _scan(self, when):
        with freeze_time(when), self.mock_mail_gateway():
            self.env["helpdesk.ticket"]._cron_flag_sla_breaches()

    def test_ack_deadline_per_class_breached_at_the_minute(self):
        expected = {
            "expedite": at(0, "09:10"),
            "priority": at(0, "09:15"),
            "standard": at(0, "14:00"),  # 4 working hours: 9-12, then 13-14
        }
        for cos, deadline in expected.items():
            with self.subTest(cos=cos):
                ticket = self._ticket(cos)
                self.assertEqual(ticket.sla_ack_deadline, deadline)
                self.assertEqual(ticket.sla_next_deadline, deadline)
                self._scan(deadline - timedelta(minutes=1))
                self.assertFalse(ticket.sla_breach_ids)
                self.assertNotEqual(ticket.sla_status, "breached")
                self._scan(deadline)
                self.assertEqual(ticket.sla_breach_ids.kind, "ack")
                self.assertEqual(ticket.sla_breach_ids.deadline, deadline)
                self.assertEqual(ticket.sla_status, "breached")

    def test_each_kind_breached_at_the_minute_for_each_class(self):
        # the report's rhythm from a Monday 9:00 receipt: ACK 9:05, investigation 9:10
        expected = {
            ("expedite", "ack"): at(0, "09:10"),
            ("expedite", "update"): at(0, "09:15"),
            ("expedite", "escalation"): at(0, "09:20"),
            ("expedite", "resolve"): at(0, "11:00"),
            ("priority", "ack"): at(0, "09:15"),
            ("priority", "update"): at(0, "09:20"),
            ("priority", "escalation"): at(0, "09:30"),
            ("priority", "resolve"): at(0, "13:00"),
            # working hours 8-12, 13-17: 4 h, 8 h, 8 h and 24 h of working time
            ("standard", "ack"): at(0, "14:00"),
            ("standard", "update"): at(1, "09:05"),
            ("standard", "escalation"): at(1, "09:10"),
            ("standard", "resolve"): at(3, "09:00"),
        }
        steps = {
            "ack": {},
            "update": {"ack_date": at(0, "09:05"), "last_update_date": at(0, "09:05")},
            "escalation": {"investigation_date": at(0, "09:10")},
            "resolve": {},
        }
        for (cos, kind), deadline in expected.items():
            with self.subTest(cos=cos, kind=kind):
                ticket = self._ticket(cos)
                ticket.sudo().write(steps[kind])
                self.assertEqual(ticket[f"sla_{kind}_deadline"], deadline)
                self._scan(deadline - timedelta(minutes=1))
                self.assertNotIn(kind, ticket.sla_breach_ids.mapped("kind"))
                self._scan(deadline)
                breach = ticket.sla_breach_ids.filtered(lambda b, k=kind: b.kind == k)
                self.assertEqual(breach.deadline, deadline)
                self.assertEqual(breach.minutes_late, 0)

    def test_at_risk_at_80_percent(self):
        ticket = self._ticket("priority", user_id=self.agent.id)
        self.assertEqual(ticket.sla_at_risk_date, at(0, "09:12"))
        self._scan(at(0, "09:11"))
        self.assertEqual(ticket.sla_status, "on_track")
        self._scan(at(0, "09:12"))
        self.assertEqual(ticket.sla_status, "at_risk")
        self.assertEqual(ticket.activity_ids.summary, "SLA at risk")
        self._scan(at(0, "09:13"))
        self.assertEqual(len(ticket.activity_ids), 1, "a single at-risk activity")

    def test_target_changes_reach_the_next_ticket(self):
        """Targets, the at-risk ratio and pause stages are read through the
        policy cache: changing them must be seen by the next ticket."""
        self._ticket("priority")  # fills the cache
        line = self.policy._line_for("priority")
        line.ack_minutes = 30
        self.assertEqual(self._ticket("priority").sla_ack_deadline, at(0, "09:30"))
        self.policy.sla_at_risk_ratio = 0.5
        self.assertEqual(self._ticket("priority").sla_at_risk_date, at(0, "09:15"))
        waiting = self.stage_by_role["waiting"]
        self.policy.sla_pause_stage_ids = waiting
        ticket = self._ticket("priority")
        with freeze_time(at(0, "09:10")):
            self._force_stage(ticket, "waiting")
        self.assertEqual(ticket.sla_pause_start, at(0, "09:10"))

    def test_standard_over_weekend_and_public_holiday(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.calendar.id,
                "date_from": "2026-12-07 00:00:00",
                "date_to": "2026-12-07 23:59:59",
            }
        )
        friday_16 = at(4, "16:00")
        ticket = self._ticket("standard", received=friday_16)
        # Friday 16-17, (weekend, Monday holiday), Tuesday 8-11
        self.assertEqual(ticket.sla_ack_deadline, datetime(2026, 12, 8, 11, 0))

    def test_pause_stage_stops_the_resolution_clock(self):
        waiting = self.stage_by_role["waiting"]
        self.policy.sla_pause_stage_ids = waiting
        ticket = self._ticket("priority")
        self.assertEqual(ticket.sla_resolve_deadline, at(0, "13:00"))
        with freeze_time(at(0, "09:30")):
            self._force_stage(ticket, "waiting")
        self.assertFalse(ticket.sla_resolve_deadline)
        with freeze_time(at(0, "10:30")):
            self._force_stage(ticket, "in_progress")
        self.assertEqual(ticket.sla_paused_minutes, 60)
        self.assertEqual(ticket.sla_resolve_deadline, at(0, "14:00"))

    def test_update_cadence_one_breach_counting_windows_until_an_update(self):
        ticket = self._ticket("priority", user_id=self.agent.id)
        ticket.sudo().write(
            {"ack_date": at(0, "09:05"), "last_update_date": at(0, "09:05")}
        )
        self.assertEqual(ticket.sla_update_deadline, at(0, "09:20"))
        self._scan(at(0, "09:20"))
        self._scan(at(0, "09:35"))
        updates = ticket.sla_breach_ids.filtered(lambda b: b.kind == "update")
        self.assertEqual(updates.mapped("deadline"), [at(0, "09:20")])
        self.assertEqual(updates.windows_missed, 2)
        self.assertEqual(ticket.sla_update_deadline, at(0, "09:50"))
        with freeze_time(at(0, "09:40")):
            ticket.with_user(self.agent)._process_record_step("update")
        self.assertEqual(ticket.sla_update_missed, 0)
        self.assertEqual(ticket.sla_update_deadline, at(0, "09:55"))
        self.assertTrue(updates.done_date, "the update closes it")
        self.assertFalse(
            ticket.activity_ids.filtered(lambda a: "Customer update" in a.summary)
        )
        self._scan(at(0, "09:50"))
        self.assertEqual(
            len(ticket.sla_breach_ids.filtered(lambda b: b.kind == "update")), 1
        )

    def test_escalation_and_resolution_breaches(self):
        ticket = self._ticket("expedite")
        ticket.sudo().write(
            {
                "ack_date": at(0, "09:05"),
                "last_update_date": at(0, "09:55"),
                "investigation_date": at(0, "09:50"),
            }
        )
        self.assertEqual(ticket.sla_escalation_deadline, at(0, "10:00"))
        self._scan(at(0, "10:00"))
        self.assertIn("escalation", ticket.sla_breach_ids.mapped("kind"))
        self._scan(at(0, "11:00"))
        self.assertIn("resolve", ticket.sla_breach_ids.mapped("kind"))

    def test_rerun_flags_nothing_twice(self):
        ticket = self._ticket("priority", user_id=self.agent.id)
        for _run in range(3):
            self._scan(at(0, "09:30"))
        self.assertEqual(len(ticket.sla_breach_ids), 1)
        notes = ticket.message_ids.filtered(lambda m: "SLA breached" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertEqual(
            len(ticket.activity_ids.filtered(lambda a: "SLA breached" in a.summary)), 1
        )

    def test_activity_for_assignee_else_team_leader(self):
        assigned = self._ticket("priority", user_id=self.agent.id)
        unassigned = self._ticket("priority")
        unassigned.user_id = False
        self._scan(at(0, "09:30"))
        self.assertEqual(assigned.sla_breach_ids.activity_id.user_id, self.agent)
        self.assertEqual(unassigned.sla_breach_ids.activity_id.user_id, self.manager)

    def _assigned_notices(self, user):
        return self.env["mail.message"].search(
            [
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", user.partner_id.ids),
                ("subject", "ilike", "SLA"),
            ]
        )

    def test_assignee_told_once_per_scan(self):
        mine = self.env["helpdesk.ticket"]
        for _i in range(3):
            mine |= self._ticket("priority", user_id=self.agent.id)
        leaders = self._ticket("priority")
        leaders.user_id = False
        self._scan(at(0, "09:15"))
        # three breaches for the agent: one digest naming the three tickets
        digest = self._assigned_notices(self.agent)
        self.assertEqual(len(digest), 1)
        self.assertEqual(digest.subject, "3 SLA activities assigned to you")
        for ticket in mine:
            self.assertIn(f"res_id={ticket.id}", digest.body)
            self.assertIn(ticket.display_name, digest.body)
        # each line: the summary and the note
        self.assertEqual(digest.body.count("SLA breached: Acknowledgement"), 6)
        self.assertEqual(len(mine.activity_ids), 3)
        # one for the team leader: Odoo's own notice, as before
        single = self._assigned_notices(self.manager)
        self.assertEqual(len(single), 1)
        self.assertIn("assigned to you", single.subject)
        self.assertIn(leaders.display_name, single.subject)
        # the next run flags nothing new and tells nobody again
        self._scan(at(0, "09:16"))
        self.assertEqual(len(self._assigned_notices(self.agent)), 1)

    def test_assignee_digest_in_their_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.agent.lang = "vi_VN"
        for _i in range(2):
            self._ticket("priority", user_id=self.agent.id)
        self._scan(at(0, "09:15"))
        digest = self._assigned_notices(self.agent)
        self.assertEqual(digest.subject, "2 hoạt động SLA được giao cho bạn")

    def test_scan_cost_does_not_grow_with_breaches_of_one_assignee(self):
        def scan_queries(count):
            late = self.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"late {i}",
                        "number": f"B{count}-{i}",
                        "description": "x",
                        "team_id": self.team.id,
                        "users_affected": 10,
                        "received_date": MONDAY_9,
                        "user_id": self.agent.id,
                    }
                    for i in range(count)
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with freeze_time(at(0, "09:15")), self.mock_mail_gateway():
                found = self.env["helpdesk.ticket"]._cron_flag_sla_breaches()
                self.env.flush_all()
            self.assertEqual(len(found & late), count)
            found.sudo().write(
                {"ack_date": at(0, "09:16"), "resolution_date": at(0, "09:16")}
            )
            return self.env.cr.sql_log_count - before

        scan_queries(2)  # warm the caches (views, subtypes, templates)
        self.assertEqual(scan_queries(20), scan_queries(5))

    def test_notices_in_the_readers_time_zone_and_language(self):
        """The scan runs as OdooBot (UTC, English): a note said 09:15 for a
        deadline the Ho Chi Minh team reads as 16:15."""
        self.env["res.lang"]._activate_lang("vi_VN")
        self.agent.write({"tz": "Asia/Ho_Chi_Minh", "lang": "vi_VN"})
        ticket = self._ticket("priority", user_id=self.agent.id)
        self._scan(at(0, "09:15"))
        activity = ticket.sla_breach_ids.activity_id
        self.assertIn("16:15", activity.note)
        self.assertNotIn("09:15", activity.note)
        self.assertIn("Vi phạm SLA", activity.summary)
        note = ticket.message_ids.filtered(lambda m: "16:15" in (m.body or ""))
        self.assertEqual(len(note), 1)

    def test_step_keeps_the_target_it_answered(self):
        """An ACK on time under the class of the day stays on time when the
        class is raised later (history is not rewritten)."""
        ticket = self._ticket("standard", user_id=self.agent.id)
        with freeze_time(at(0, "09:30")):
            ticket.sudo()._process_record_step("ack")
        ack = ticket.process_step_ids.filtered(lambda s: s.step == "ack")
        self.assertEqual((ack.deadline, ack.target_state), (at(0, "14:00"), "met"))
        ticket.users_affected = 30  # now Expedite: ACK within 10 minutes
        self.assertEqual(ticket.class_of_service, "expedite")
        self.assertEqual(ticket.sla_ack_deadline, at(0, "09:10"))
        self.env.flush_all()
        self.assertEqual((ack.deadline, ack.target_state), (at(0, "14:00"), "met"))

    def test_expedite_breach_emails_the_team_leader(self):
        ticket = self._ticket("expedite")
        with freeze_time(at(0, "09:10")), self.mock_mail_gateway():
            self.env["helpdesk.ticket"]._cron_flag_sla_breaches()
            mail = self.env["mail.mail"].search(
                [("res_id", "=", ticket.id), ("model", "=", "helpdesk.ticket")]
            )
        self.assertIn(self.manager.email, mail.email_to)
        self.assertIn("SLA breached", mail.subject)
        # sent as no discussion message: mail_autogenerated_header marks it
        # Auto-Submitted when it goes out
        self.assertTrue(
            self.env["ir.config_parameter"].get_param(
                "mail_autogenerated_header.allow_autogenerated_outgoing"
            )
        )
        outgoing = EmailMessage()
        outgoing["Message-Id"] = mail.message_id
        self.assertTrue(
            self.env["ir.mail_server"]._send_email_set_autogenerated(outgoing)
        )
        priority = self._ticket("priority")
        self._scan(at(0, "09:15"))
        self.assertFalse(
            self.env["mail.mail"].search(
                [("res_id", "=", priority.id), ("model", "=", "helpdesk.ticket")]
            )
        )

    def test_done_step_closes_breach_activity(self):
        ticket = self._ticket("priority", user_id=self.agent.id)
        self._scan(at(0, "09:20"))
        self.assertTrue(ticket.activity_ids)
        ticket.sudo().assessment_date = at(0, "09:21")
        with freeze_time(at(0, "09:22")):
            ticket.with_user(self.agent)._process_record_step("ack")
        self.assertEqual(ticket.sla_breach_ids.done_user_id, self.agent)
        self.assertFalse(
            ticket.activity_ids.filtered(lambda a: "SLA breached" in a.summary)
        )

    def test_met_when_resolved_in_time(self):
        ticket = self._ticket("priority")
        ticket.sudo().write(
            {
                "ack_date": at(0, "09:05"),
                "last_update_date": at(0, "09:05"),
                "investigation_date": at(0, "09:06"),
                "escalation_date": at(0, "09:07"),
            }
        )
        self._force_stage(ticket, "resolved")
        with freeze_time(at(0, "10:00")):
            ticket._process_record_step("resolve")
        self.assertEqual(ticket.sla_status, "met")
        self.assertFalse(ticket.sla_next_deadline)

    def test_scan_cost_does_not_grow_with_open_tickets(self):
        def setup(open_count):
            quiet = self.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"quiet {i}",
                        "number": f"Q{open_count}-{i}",
                        "description": "x",
                        "team_id": self.team.id,
                        "users_affected": 10,
                        "received_date": at(1, "09:00"),
                    }
                    for i in range(open_count)
                ]
            )
            late = self.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"late {i}",
                        "number": f"L{open_count}-{i}",
                        "description": "x",
                        "team_id": self.team.id,
                        "users_affected": 10,
                        "received_date": MONDAY_9,
                        "user_id": self.agent.id,
                    }
                    for i in range(5)
                ]
            )
            self.env.flush_all()
            return quiet | late

        def scan_queries():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with freeze_time(at(0, "09:30")):
                self.env["helpdesk.ticket"]._cron_flag_sla_breaches()
                self.env.flush_all()
            return self.env.cr.sql_log_count - before

        # warm the caches (views, subtypes, templates) on the same path as the
        # measured scans: several breaches for one assignee make a digest, whose
        # template a single breach never renders (a test run before this one that
        # cleared the registry's caches, e.g. by activating a language, left it
        # cold: 43 queries instead of 39, whatever the date)
        warm = self._ticket("priority", user_id=self.agent.id)
        warm |= self._ticket("priority", user_id=self.agent.id)
        scan_queries()
        warm.sudo().write(
            {"ack_date": at(0, "09:31"), "resolution_date": at(0, "09:31")}
        )
        small = setup(10)
        small_queries = scan_queries()
        self.assertEqual(len(small.sla_breach_ids), 5)
        small.sudo().write(
            {"ack_date": at(0, "09:31"), "resolution_date": at(0, "09:31")}
        )
        large = setup(200)
        large_queries = scan_queries()
        self.assertEqual(len(large.sla_breach_ids), 5)
        self.assertEqual(large_queries, small_queries)

    def test_next_update_promised_only_while_the_ticket_is_worked_on(self):
        """The portal's "next update by" disappears once the fix is announced."""
        with freeze_time(MONDAY_9):
            ticket = self._ticket("priority")
            self.assertEqual(ticket.next_update_due, at(0, "09:15"))
            self._force_stage(ticket, "resolved")
            self.assertFalse(ticket.next_update_due)
