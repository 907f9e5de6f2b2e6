# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import freeze_all_time, mail_new_test_user

from ..report import analysis_data
from .common import HelpdeskProcessCommon

RECEIVED = datetime(2026, 10, 1, 8, 0)
NOW = datetime(2026, 12, 1, 8, 0)
MEASURES = [
    "__count",
    "ack_rate:avg",
    "update_rate:avg",
    "resolve_rate:avg",
    "ack_minutes_median:avg",
    "ack_minutes_p90:avg",
    "resolve_minutes_median:avg",
    "resolve_minutes_p90:avg",
    "breach_count:sum",
    "breach_ack_count:sum",
    "breach_update_count:sum",
    "breach_resolve_count:sum",
    "satisfaction_rate:avg",
    "rating_count:sum",
]
# what may not have happened yet: a rate with no deadline behind us, a time to ACK
# or to resolve with no ACK or resolution yet; empty then, never 0
UNMEASURED = [
    "ack_rate",
    "update_rate",
    "resolve_rate",
    "ack_minutes",
    "ack_minutes_median",
    "ack_minutes_p90",
    "resolve_minutes",
    "resolve_minutes_median",
    "resolve_minutes_p90",
    "satisfaction_rate",
]


def _at(minutes):
    return RECEIVED + timedelta(minutes=minutes)


@tagged("post_install", "-at_install")
class TestProcessAnalysis(HelpdeskProcessCommon):
    """Figures of the compliance analysis on a crafted set of tickets, against
    percentages and percentiles worked out by hand (Priority: ACK 15 min, update
    every 15 min, resolution 4 h; Standard: ACK 4 h, resolution 24 h; all 24/7)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the analysis counts a deadline once it is behind "now": the whole class
        # runs at a fixed moment after the crafted tickets, never on the real clock
        cls.enterClassContext(freeze_all_time(NOW))
        policy = cls.env["helpdesk.cos.policy"].search(
            [("is_default", "=", True), ("company_id", "=", cls.env.company.id)]
        )
        policy.line_ids.write({"working_hours": False})
        cls.other_agent = mail_new_test_user(
            cls.env,
            login="mindx_agent_2",
            name="Pham Agent Two",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.team.user_ids |= cls.other_agent
        cls.ticket_a = cls._crafted("A", ack=10, updates=[22, 30], resolved=100)
        cls.ticket_b = cls._crafted("B", ack=20, updates=[30, 50], resolved=300)
        cls.ticket_c = cls._crafted("C", ack=5)
        cls.ticket_d = cls._crafted("D", ack=15, resolved=240)
        cls.ticket_e = cls._crafted("E")
        cls._force_stage(cls.ticket_e, "cancelled")
        cls.ticket_f = cls._crafted(
            "F", users=1, ack=60, resolved=600, user=cls.other_agent
        )
        cls.ticket_f.received_date = _at(60 * 24 * 31)  # November
        cls._breach(cls.ticket_b, "ack", cls.ticket_b.sla_ack_deadline)
        cls._breach(cls.ticket_b, "resolve", cls.ticket_b.sla_resolve_deadline)
        cls._breach(cls.ticket_c, "update", _at(5 + 15))
        cls._breach(cls.ticket_c, "resolve", cls.ticket_c.sla_resolve_deadline)

    @classmethod
    def _crafted(cls, name, users=10, ack=None, updates=(), resolved=None, user=None):
        """A ticket received on 1 Oct 08:00 whose steps happened `n` minutes later."""
        ticket = cls._create_ticket(
            name=f"Crafted {name}",
            users_affected=users,
            is_blocking=True,
            received_date=RECEIVED,
            user_id=(user or cls.agent).id,
        )
        steps = [("ack", ack)] + [("update", m) for m in updates]
        steps.append(("resolve", resolved))
        for step, minutes in steps:
            if minutes is None:
                continue
            date_field = {"ack": "ack_date", "update": "last_update_date"}.get(
                step, "resolution_date"
            )
            ticket.write({date_field: _at(minutes)})
            cls.env["helpdesk.ticket.step"].create(
                {"ticket_id": ticket.id, "step": step, "date": _at(minutes)}
            )
        return ticket

    @classmethod
    def _breach(cls, ticket, kind, deadline):
        cls.env["helpdesk.sla.breach"].create(
            {"ticket_id": ticket.id, "kind": kind, "deadline": deadline}
        )

    def _figures(self, groupby=(), user=None, domain=()):
        analysis = self.env["helpdesk.process.analysis"].with_user(user or self.agent)
        rows = analysis._read_group(
            [("team_id", "=", self.team.id), *domain], groupby, MEASURES
        )
        names = [*groupby, *MEASURES]
        return [dict(zip(names, row, strict=True)) for row in rows]

    def test_classes_as_crafted(self):
        self.assertEqual(
            (self.ticket_a | self.ticket_f).mapped("class_of_service"),
            ["priority", "standard"],
        )

    def test_priority_figures_match_hand_computation(self):
        (priority,) = (
            row
            for row in self._figures(["class_of_service"])
            if row["class_of_service"] == "priority"
        )
        # five tickets; E was cancelled before its ACK: no deadline counted
        self.assertEqual(priority["__count"], 5)
        # ACK: A 10, C 5, D 15 (on the minute) on time; B 20 late -> 3 of 4
        self.assertAlmostEqual(priority["ack_rate:avg"], 75.0)
        # updates, per deadline: A's two on time, B's first on time and second
        # late, C's flagged miss never answered -> 3 of 5 (not the tickets'
        # average, 50 %)
        self.assertAlmostEqual(priority["update_rate:avg"], 60.0)
        # resolution: A and D in 4 h; B late; C never resolved -> 2 of 4
        self.assertAlmostEqual(priority["resolve_rate:avg"], 50.0)
        # time to ACK 5, 10, 15, 20: median 12.5; p90 = 15 + 0.7 * (20 - 15)
        self.assertAlmostEqual(priority["ack_minutes_median:avg"], 12.5)
        self.assertAlmostEqual(priority["ack_minutes_p90:avg"], 18.5)
        # time to resolve 100, 240, 300: median 240; p90 = 240 + 0.8 * 60
        self.assertAlmostEqual(priority["resolve_minutes_median:avg"], 240.0)
        self.assertAlmostEqual(priority["resolve_minutes_p90:avg"], 288.0)
        self.assertEqual(
            (
                priority["breach_count:sum"],
                priority["breach_ack_count:sum"],
                priority["breach_update_count:sum"],
                priority["breach_resolve_count:sum"],
            ),
            (4, 1, 1, 2),
        )

    def test_per_agent_and_month(self):
        by_agent = {row["user_id"]: row for row in self._figures(["user_id"])}
        self.assertEqual(by_agent[self.other_agent]["__count"], 1)
        self.assertAlmostEqual(by_agent[self.other_agent]["ack_rate:avg"], 100.0)
        self.assertEqual(by_agent[self.agent]["__count"], 5)
        by_month = {
            row["received_date:month"].month: row["__count"]
            for row in self._figures(["received_date:month"])
        }
        self.assertEqual(by_month, {10: 5, 11: 1})

    def test_step_timeline_targets(self):
        steps = self.ticket_b.process_step_ids
        self.assertEqual(
            [(s.step, s.deadline, s.target_state) for s in steps],
            [
                ("ack", _at(15), "missed"),
                ("update", _at(20 + 15), "met"),
                ("update", _at(30 + 15), "missed"),
                ("resolve", _at(240), "missed"),
            ],
        )

    def test_agents_read_only_their_tickets_and_outsiders_nothing(self):
        own = self._figures(user=self.other_agent)
        self.assertEqual(own[0]["__count"], 1, "an 'own tickets' agent: theirs")
        analysis = self.env["helpdesk.process.analysis"]
        with self.assertRaises(AccessError):
            analysis.with_user(self.other_agent).browse(self.ticket_f.id).write({})
        outsider = mail_new_test_user(
            self.env, login="mindx_outsider", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            analysis.with_user(outsider).search([])

    def test_menu_under_reporting_for_agents_and_managers(self):
        menu = self.env.ref("mindx_helpdesk_process.helpdesk_process_analysis_menu")
        tickets_analysis = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_reporting_analysis"
        )
        Menu = self.env["ir.ui.menu"]
        for user in (self.agent, self.other_agent, self.manager):
            visible = Menu.with_user(user)._visible_menu_ids()
            self.assertIn(menu.id, visible, user.name)
        agent_menus = Menu.with_user(self.other_agent)._visible_menu_ids()
        self.assertNotIn(tickets_analysis.id, agent_menus, "helpdesk_mgmt's stays")

    def _priority_row(self):
        # the view reads the tickets' table: what the test wrote must be there
        self.env.flush_all()
        (row,) = (
            row
            for row in self._figures(["class_of_service"])
            if row["class_of_service"] == "priority"
        )
        return row

    def test_ticket_not_acknowledged_yet_counts_for_nothing(self):
        """A Priority ticket received 5 minutes ago (ACK due in 10): no rate, no
        time; the averages of its class stay what they were without it."""
        before = self._priority_row()
        fresh = self._create_ticket(
            name="Fresh, not acknowledged yet",
            users_affected=10,
            received_date=NOW - timedelta(minutes=5),
            user_id=self.agent.id,
        )
        self.assertEqual(fresh.class_of_service, "priority")
        after = self._priority_row()
        self.assertEqual(after["__count"], before["__count"] + 1)
        for measure in MEASURES[1:]:
            self.assertEqual(after[measure], before[measure], measure)
        self.assertAlmostEqual(after["ack_rate:avg"], 75.0)
        self.assertAlmostEqual(after["ack_minutes_median:avg"], 12.5)
        self._assert_empty(fresh, UNMEASURED)

    def test_ack_overdue_is_a_miss_but_no_time_to_ack(self):
        """An ACK deadline passed without ACK: 0 % on time (a miss, it lowers the
        rate) but no time to ACK (none measured: the median skips it)."""
        overdue = self._create_ticket(
            name="ACK overdue",
            users_affected=10,
            received_date=NOW - timedelta(minutes=60),
            user_id=self.agent.id,
        )
        after = self._priority_row()
        # 3 of 4 ACKs on time before, 3 of 5 now; times to ACK unchanged
        self.assertAlmostEqual(after["ack_rate:avg"], 60.0)
        self.assertAlmostEqual(after["ack_minutes_median:avg"], 12.5)
        self.assertAlmostEqual(after["ack_minutes_p90:avg"], 18.5)
        row = self._list_row(overdue, ["ack_rate", "ack_minutes"])
        self.assertEqual(row["ack_rate"], 0.0)
        self.assertIs(row["ack_minutes"], False)

    def test_cancelled_before_ack_reads_empty(self):
        self._assert_empty(self.ticket_e, UNMEASURED)

    def test_measured_values_still_read(self):
        row = self._list_row(self.ticket_a, ["ack_rate", "ack_minutes", "resolve_rate"])
        self.assertEqual(
            (row["ack_rate"], row["ack_minutes"], row["resolve_rate"]),
            (100.0, 10.0, 100.0),
        )

    def _list_row(self, ticket, fnames):
        """What the list view reads (web_search_read) of the ticket's row."""
        self.env.flush_all()
        analysis = self.env["helpdesk.process.analysis"].with_user(self.agent)
        (row,) = analysis.web_search_read(
            [("ticket_id", "=", ticket.id)], {fname: {} for fname in fnames}
        )["records"]
        return row

    def _assert_empty(self, ticket, fnames):
        """Empty in the list, the pivot (read_group, as the web client asks it),
        the record and an export; never 0."""
        analysis = self.env["helpdesk.process.analysis"].with_user(self.agent)
        row = self._list_row(ticket, fnames)
        (group,) = analysis.read_group(
            [("ticket_id", "=", ticket.id)],
            [f"{fname}:avg" for fname in fnames],
            ["ticket_id"],
        )
        record = analysis.browse(ticket.id)
        # exports are the admin's (agents lack base.group_allow_export)
        (exported,) = record.sudo().export_data(fnames)["datas"]
        for fname in fnames:
            self.assertIs(row[fname], False, f"list: {fname}")
            self.assertIs(group[fname], False, f"pivot: {fname}")
            self.assertIs(record[fname], False, f"record: {fname}")
        self.assertEqual(set(exported), {""}, "export")

    def _rating(self, ticket, rate, consumed=True):
        """A customer's rating of the ticket, as Odoo's rating route leaves it."""
        return self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "res_id": ticket.id,
                "partner_id": self.customer.id,
                "rating": rate,
                "consumed": consumed,
            }
        )

    def test_satisfaction_weighted_by_ratings(self):
        """% satisfied counts ratings, not tickets: A rated Satisfied twice (a
        reopened ticket rated again), B Not satisfied, F Okay; D was asked and
        has not answered (no rating); C never asked (empty)."""
        self._rating(self.ticket_a, 5)
        self._rating(self.ticket_a, 5)
        self._rating(self.ticket_b, 1)
        self._rating(self.ticket_f, 3)
        self._rating(self.ticket_d, 0, consumed=False)
        self.env.flush_all()
        priority = self._priority_row()
        self.assertEqual(priority["rating_count:sum"], 3)
        # 2 of 3 ratings (the tickets' average would say 50 %)
        self.assertAlmostEqual(priority["satisfaction_rate:avg"], 200 / 3)
        by_agent = {row["user_id"]: row for row in self._figures(["user_id"])}
        self.assertAlmostEqual(by_agent[self.agent]["satisfaction_rate:avg"], 200 / 3)
        self.assertAlmostEqual(by_agent[self.other_agent]["satisfaction_rate:avg"], 0)
        by_month = {
            row["received_date:month"].month: row["satisfaction_rate:avg"]
            for row in self._figures(["received_date:month"])
        }
        self.assertAlmostEqual(by_month[10], 200 / 3)
        self.assertAlmostEqual(by_month[11], 0.0)
        by_team = self._figures(["team_id"])[0]
        self.assertEqual(by_team["rating_count:sum"], 4)
        self.assertAlmostEqual(by_team["satisfaction_rate:avg"], 50.0)
        self._assert_empty(self.ticket_d, ["satisfaction_rate"])
        row = self._list_row(self.ticket_a, ["satisfaction_rate", "rating_count"])
        self.assertEqual((row["satisfaction_rate"], row["rating_count"]), (100.0, 2))

    def test_graph_reads_bars_side_by_side(self):
        """Rates side by side: a stacked graph would add two classes' 100 % up to
        200."""
        graph = etree.fromstring(
            self.env.ref(
                "mindx_helpdesk_process.helpdesk_process_analysis_view_graph"
            ).arch
        )
        self.assertEqual((graph.get("type"), graph.get("stacked")), ("bar", "0"))


@tagged("post_install", "-at_install")
class TestProcessAnalysisKeptCurrent(HelpdeskProcessCommon):
    """The analysis's stored rows (report/analysis_data.py) follow every change
    that feeds them, whoever writes it: after each change, in the same
    transaction, they are what computing them from scratch gives."""

    def _assert_rows_current(self):
        self.env.flush_all()
        cr = self.env.cr
        columns = ", ".join(analysis_data.ALL_COLUMNS)
        cr.execute(f"SELECT {columns} FROM {analysis_data.TABLE} ORDER BY ticket_id")
        stored = cr.fetchall()
        cr.execute(f"{analysis_data.rows(only=False)} ORDER BY t.id")
        self.assertEqual(stored, cr.fetchall())

    def _analysed(self, ticket):
        """The ticket's row as the analysis reads it now (not the ORM's cache
        of an earlier read)."""
        self.env.flush_all()
        self.env.invalidate_all()
        analysis = self.env["helpdesk.process.analysis"]
        return analysis.search([("ticket_id", "=", ticket.id)])

    def test_rows_follow_the_process(self):
        ticket = self._create_ticket(users_affected=16, is_blocking=True)
        self._assert_rows_current()
        self.assertEqual(self._analysed(ticket).class_of_service, "priority")
        with self.mock_mail_gateway():
            self._log_step(ticket, "assess", users_affected=16, assessment_note="x")
            self._send_step_email(ticket, "ack")
            self._send_step_email(ticket, "update")
        self._assert_rows_current()
        self.assertEqual(self._analysed(ticket).update_due, 1)
        self._force_stage(ticket, "resolved")
        self.assertEqual(self._analysed(ticket).stage_id, ticket.stage_id)
        ticket.team_id = self.env["helpdesk.ticket.team"].create({"name": "Other"})
        self._assert_rows_current()

    def test_rows_follow_breaches_ratings_and_deletions(self):
        ticket = self._create_ticket()
        breach = self.env["helpdesk.sla.breach"].create(
            {"ticket_id": ticket.id, "kind": "ack", "deadline": self._hours_ago(1)}
        )
        self._assert_rows_current()
        self.assertEqual(self._analysed(ticket).breach_ack_count, 1)
        breach.kind = "resolve"
        self._assert_rows_current()
        breach.unlink()
        self._assert_rows_current()
        rating = self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "res_id": ticket.id,
                "rating": 5,
                "consumed": True,
            }
        )
        self._assert_rows_current()
        self.assertEqual(self._analysed(ticket).satisfaction_rate, 100.0)
        rating.rating = 1
        self._assert_rows_current()
        self.assertEqual(self._analysed(ticket).satisfaction_rate, 0.0)
        # an SQL write (an import, a script) is followed too
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET received_date = %s WHERE id = %s",
            [self._hours_ago(48), ticket.id],
        )
        self._assert_rows_current()
        ticket.unlink()
        self._assert_rows_current()

    def test_update_makes_the_table_again(self):
        """An upgrade (the model's init) gives the table of the code it runs:
        a table of an earlier version, without the derived columns and with
        rows gone stale, is made again with every row."""
        ticket = self._create_ticket()
        with self.mock_mail_gateway():
            self._send_step_email(ticket, "ack")
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            f"ALTER TABLE {analysis_data.TABLE} DROP COLUMN ack_minutes, "
            f"DROP COLUMN ack_met; DELETE FROM {analysis_data.TABLE}"
        )
        self.env["helpdesk.process.analysis"].init()
        self._assert_rows_current()
        row = self._analysed(ticket)
        self.assertEqual((row.ack_due, row.ack_met), (1, 1))
        self.assertIsInstance(row.ack_minutes, float)
