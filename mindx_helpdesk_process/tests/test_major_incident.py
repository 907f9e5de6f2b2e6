# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Major incidents: reports linked to one main ticket, one level, one company;
the main ticket's class counts every report's users; unlinking needs a reason;
both sides of every link and unlink are logged."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import HelpdeskProcessCommon


@tagged("post_install", "-at_install")
class TestMajorIncident(HelpdeskProcessCommon):
    def _reports(self, count=3, users=12):
        return self.env["helpdesk.ticket"].concat(
            *(
                self._create_ticket(
                    name=f"LMS slow for block {i}", users_affected=users
                )
                for i in range(count)
            )
        )

    def _link(self, reports, main, user=None):
        """The list's "Link to major incident" action, as the agent runs it."""
        with Form(self._incident_link_wizard(reports, user)) as form:
            form.main_ticket_id = main
        form.record.action_confirm()

    def test_the_class_reflects_the_whole_impact(self):
        """Three coordinators with 12 students each: 36 users, Expedite, not
        three Priority tickets; unlinking reclassifies (tracked)."""
        reports = self._reports()
        main = reports[0]
        self.assertEqual(set(reports.mapped("class_of_service")), {"priority"})
        self._link(reports, main)
        self.assertEqual(main.major_incident_ticket_ids, reports[1:])
        self.assertEqual(main.incident_users_affected, 36)
        self.assertEqual(main.class_of_service, "expedite")
        self.assertIn(
            "36 users affected across 3 reports (Expedite", main.cos_rationale
        )
        self.assertEqual(main.priority, "3")
        # the reports keep their own class; the main ticket's SLA follows its own
        self.assertEqual(reports[1].class_of_service, "priority")
        self.assertLess(main.sla_ack_deadline, reports[1].sla_ack_deadline)
        # blocking work anywhere counts for the whole incident
        reports[2].is_blocking = True
        self.assertTrue(main.incident_is_blocking)
        # unlinking (with a reason) reclassifies
        reports[1:].with_user(self.agent).with_context(
            mindx_unlink_reason="Different issue"
        ).write({"major_incident_id": False})
        self.assertEqual(main.incident_users_affected, 12)
        self.assertEqual(main.class_of_service, "priority")
        logged = main.message_ids.filtered(
            lambda m: "Class of service" in str(m.body)
        ).mapped("body")
        self.assertEqual(len(logged), 2, "each reclassification is logged")
        self.assertIn("Priority → Expedite", str(logged[-1]))
        self.assertIn("Expedite → Priority", str(logged[0]))

    def test_links_are_logged_on_both_sides_and_unlinking_needs_a_reason(self):
        reports = self._reports(count=2)
        main, report = reports
        self._link(report, main)
        self.assertIn(
            f"Linked to major incident {main.display_name}", report.message_ids[0].body
        )
        self.assertIn(f"Report {report.display_name} linked", main.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "needs a reason"):
            report.with_user(self.agent).write({"major_incident_id": False})
        self.assertEqual(report.major_incident_id, main)
        action = report.with_user(self.agent).action_major_incident_unlink()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.agent)
            .with_context(**action["context"])
            .create({})
        )
        with self.assertRaisesRegex(UserError, "Write why"):
            wizard.action_confirm()
        wizard.reason = "The customer's problem is their own Wi-Fi"
        wizard.action_confirm()
        self.assertFalse(report.major_incident_id)
        for ticket in (report, main):
            note = ticket.message_ids[0]
            self.assertIn("unlinked from major incident", note.body)
            self.assertIn("their own Wi-Fi", note.body)
            self.assertTrue(note.subtype_id.internal)

    def test_one_level_no_self_link_one_company(self):
        main, report, other = self._reports(count=3)
        with self.assertRaisesRegex(ValidationError, "linked to itself"):
            main.major_incident_id = main
        report.major_incident_id = main
        with self.assertRaisesRegex(ValidationError, "itself a report"):
            other.major_incident_id = report
        with self.assertRaisesRegex(ValidationError, "is the main ticket"):
            main.major_incident_id = other
        company = self.env["res.company"].create({"name": "Other school"})
        foreign = self.env["helpdesk.ticket"].create(
            {
                "name": "Elsewhere",
                "description": "<p>x</p>",
                "company_id": company.id,
                "users_affected": 1,
            }
        )
        with self.assertRaisesRegex(ValidationError, "belong to its company"):
            other.major_incident_id = foreign
        with self.assertRaisesRegex(UserError, "other than itself"):
            self._link(main, main)

    def test_an_own_tickets_agent_links_only_what_they_may_read(self):
        """The link names the main ticket to its readers: an agent limited to
        their own tickets cannot link to a ticket they cannot read."""
        own_agent = self.agent.copy(
            {
                "login": "mindx_own_agent",
                "email": "own@mindx.example.com",
                "groups_id": [
                    (6, 0, self.env.ref("helpdesk_mgmt.group_helpdesk_user_own").ids)
                ],
            }
        )
        mine = self._create_ticket(user_id=own_agent.id)
        theirs = self._create_ticket(user_id=self.manager.id)
        with self.assertRaises(AccessError):
            mine.with_user(own_agent).write({"major_incident_id": theirs.id})
        self.assertFalse(mine.major_incident_id)
        # nor make someone else's ticket a report of their own
        with self.assertRaises(AccessError):
            theirs.with_user(own_agent).write({"major_incident_id": mine.id})
        # a colleague linked it: the main ticket's form does not show it to them
        theirs.with_user(self.agent).write({"major_incident_id": mine.id})
        # as in their own request: nothing read by others in the cache
        self.env.invalidate_all()
        (form,) = mine.with_user(own_agent).web_read(
            {
                "major_incident_ticket_ids": {"fields": {"name": {}}},
                "incident_users_affected": {},
            }
        )
        self.assertEqual(form["major_incident_ticket_ids"], [])
        self.assertEqual(form["incident_users_affected"], 2, "the impact counts it")
        self.assertFalse(mine.with_user(own_agent).major_incident_ticket_ids)

    def test_the_whole_impact_is_the_process_s_record(self):
        ticket = self._create_ticket()
        with self.assertRaisesRegex(UserError, "recorded by the support process"):
            ticket.with_user(self.agent).write({"incident_users_affected": 500})

    def test_seen_at_a_glance(self):
        """The filters find the main tickets and their reports; cards say which
        is which."""
        main, report, alone = self._reports(count=3)
        self._link(report, main)
        tickets = self.env["helpdesk.ticket"].with_user(self.agent)
        mine = [("id", "in", (main | report | alone).ids)]
        self.assertEqual(
            tickets.search(mine + [("major_incident_ticket_ids", "!=", False)]), main
        )
        self.assertEqual(
            tickets.search(mine + [("major_incident_id", "!=", False)]), report
        )
        self.assertEqual(main.major_incident_report_count, 1)
        self.assertEqual(report.major_incident_number, main.number)
        arch = tickets.get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        self.assertIn("o_mindx_major_incident", arch)
        self.assertIn("o_mindx_incident_report", arch)

    def test_the_incident_report_lists_the_reports_and_their_customers(self):
        main, report = self._reports(count=2)
        other = self.env["res.partner"].create({"name": "Pham Van Nam"})
        report.partner_id = other
        self._link(report, main)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "mindx_helpdesk_process.report_helpdesk_incident", main.ids
        )
        html = html.decode()
        self.assertIn("Linked reports", html)
        self.assertIn(report.display_name, html)
        self.assertIn("Pham Van Nam", html)
        self.assertIn("24 users affected across", html)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "mindx_helpdesk_process.report_helpdesk_incident", report.ids
        )
        self.assertIn(main.display_name, html.decode())
