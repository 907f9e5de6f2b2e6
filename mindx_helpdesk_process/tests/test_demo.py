# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import html as lxml_html

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """What the README's run command shows: the demo data, loaded on a fresh
    database by the test command too (scripts/test.sh installs with demo)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search(
            [("name", "=", "mindx_helpdesk_process")]
        )
        if not module.demo:
            cls.skipTest(cls, "the database was installed without demo data")
        cls.seed = cls.env.ref("mindx_helpdesk_process.ticket_seed_00003_demo")
        cls.team = cls.env.ref("mindx_helpdesk_process.team_lms_support_demo")

    def test_seed_ticket_replayed_to_closed_in_30_minutes(self):
        seed = self.seed
        self.assertEqual(seed.stage_id.process_role, "closed")
        self.assertEqual(seed.class_of_service, "priority")
        self.assertEqual(seed.process_resolution_minutes, 30)
        self.assertEqual(
            (
                seed.phase_ack_minutes,
                seed.phase_investigation_minutes,
                seed.phase_escalation_minutes,
                seed.phase_dev_fix_minutes,
                seed.phase_verification_minutes,
            ),
            (9, 6, 4, 9, 4),
        )
        self.assertEqual(
            set(seed.process_step_ids.mapped("target_state")) - {False}, {"met"}
        )

    def test_seed_incident_report_reproduces_the_timeline(self):
        agent = self.env.ref("mindx_helpdesk_process.user_agent_demo")
        content, _type = (
            self.env["ir.actions.report"]
            .with_user(agent)
            ._render_qweb_html(
                "mindx_helpdesk_process.report_helpdesk_incident", self.seed.ids
            )
        )
        tree = lxml_html.fromstring(content)
        times = [
            td.text_content().split()[-1]
            for td in tree.xpath("//table[hasclass('o_mindx_timeline')]/tbody/tr/td[1]")
        ]
        self.assertEqual(
            times,
            [
                "22:35",
                "22:42",
                "22:44",
                "22:50",
                "22:54",
                "22:57",
                "23:03",
                "23:05",
                "23:09",
                "23:11",
                "23:12",
            ],
        )
        self.assertIn("Báo cáo sự cố", content.decode(), "the customer's language")

    def test_tickets_in_every_stage_and_class_some_breached(self):
        tickets = self.env["helpdesk.ticket"].search([("team_id", "=", self.team.id)])
        self.assertEqual(
            set(tickets.mapped("class_of_service")),
            {"standard", "priority", "expedite"},
        )
        self.assertLessEqual(
            {"new", "in_progress", "waiting", "resolved", "closed", "cancelled"},
            set(tickets.mapped("process_role")),
        )
        self.assertTrue(tickets.filtered("sla_breached"))
        self.assertTrue(tickets.sla_breach_ids)

    def test_analysis_shows_the_demo_team(self):
        rows = self.env["helpdesk.process.analysis"]._read_group(
            [("team_id", "=", self.team.id)],
            ["class_of_service"],
            ["__count", "ack_rate:avg", "breach_count:sum"],
        )
        self.assertEqual(len(rows), 3)
        self.assertTrue(any(breaches for _cls, _count, _rate, breaches in rows))
