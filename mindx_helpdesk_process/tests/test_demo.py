# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from lxml import html as lxml_html

from odoo.tests import TransactionCase, tagged
from odoo.tools import file_open
from odoo.tools.safe_eval import safe_eval

# the demo tickets whose stars our demo sets by hand on purpose (none: they all
# follow their class)
STARS_SET_BY_HAND = set()


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

    def test_demo_logins_open_where_their_users_work(self):
        """Each demo login lands in the Helpdesk, on something to work on, not in
        Discuss: agents on their tickets, helpdesk managers on the dashboard."""
        dashboard = "helpdesk_mgmt.helpdesk_ticket_dashboard_action"
        my_tickets = "helpdesk_mgmt.helpdesk_my_tickets_action"
        home = {
            "mindx_helpdesk_process.user_agent_demo": my_tickets,
            "mindx_helpdesk_process.user_leader_demo": dashboard,
            "base.user_demo": my_tickets,  # helpdesk_mgmt's demo agent
            "base.user_admin": dashboard,
        }
        for xmlid, action in home.items():
            user = self.env.ref(xmlid)
            self.assertEqual(user.action_id.id, self.env.ref(action).id, xmlid)
            # what the web client loads at login, read as the user
            loaded = self.env["ir.actions.actions"].with_user(user)._for_xml_id(action)
            domain = safe_eval(loaded["domain"] or "[]", {"uid": user.id})
            records = self.env[loaded["res_model"]].with_user(user).search(domain)
            self.assertTrue(records, f"{xmlid} lands on an empty page")

    def test_demo_company_is_the_customers(self):
        company = self.env.ref("base.main_company")
        self.assertEqual(company.name, "MindX Technology School")
        self.assertEqual(
            (
                company.email,
                company.website,
                company.country_id.code,
                company.state_id.name,
            ),
            ("support@mindx.example.com", "https://mindx.example.com", "VN", "Hà Nội"),
        )
        self.assertTrue(company.phone)
        with file_open("mindx_helpdesk_process/demo/mindx_company_logo.png", "rb") as f:
            ours = f.read()
        with file_open("base/static/img/res_company_logo.png", "rb") as f:
            placeholder = f.read()
        logo = base64.b64decode(company.logo)
        self.assertEqual(logo, ours)
        self.assertNotEqual(logo, placeholder)

    def test_demo_tickets_stars_follow_their_class(self):
        """helpdesk_mgmt's demo tickets set stars explicitly, which reads as
        stars set by hand: the demo lets them follow their class, as ours do."""
        data = self.env["ir.model.data"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("module", "in", ("helpdesk_mgmt", "mindx_helpdesk_process")),
            ]
        )
        tickets = self.env["helpdesk.ticket"].browse(data.mapped("res_id")).exists()
        theirs = data.filtered(lambda d: d.module == "helpdesk_mgmt")
        self.assertTrue(theirs, "helpdesk_mgmt's demo tickets are loaded")
        by_hand = tickets.filtered("priority_manual")
        self.assertEqual(set(by_hand.get_external_id().values()), STARS_SET_BY_HAND)
        for ticket in tickets - by_hand:
            self.assertEqual(
                ticket.priority,
                ticket.cos_policy_id._priority_for(ticket.class_of_service),
                ticket.display_name,
            )

    def test_demo_has_a_major_incident(self):
        """The exam outage: three coordinators' reports, one main ticket whose
        class counts all their students."""
        main = self.env.ref("mindx_helpdesk_process.ticket_exam_down_demo")
        self.assertEqual(len(main.major_incident_ticket_ids), 2)
        self.assertEqual(main.incident_users_affected, 40 + 24 + 18)
        self.assertIn(
            "82 users affected across 3 reports",
            main.with_context(lang="en_US").cos_rationale,
        )
        self.assertEqual(main.class_of_service, "expedite")
