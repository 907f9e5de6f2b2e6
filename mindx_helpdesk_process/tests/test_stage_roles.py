# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import PROCESS_STAGE_ROLES, HelpdeskProcessCommon


@tagged("post_install", "-at_install")
class TestStageRoles(HelpdeskProcessCommon):
    def test_every_role_has_a_stage(self):
        for role, stage in self.stage_by_role.items():
            self.assertTrue(stage, f"no stage plays the role {role}")

    def test_process_stages_are_ordered(self):
        """The kanban order of the first stage of each role reads New ... Closed."""
        stages = self.env["helpdesk.ticket.stage"].search(
            [("process_role", "in", PROCESS_STAGE_ROLES)]
        )
        first_seen = []
        for stage in stages:
            if stage.process_role not in first_seen:
                first_seen.append(stage.process_role)
        self.assertEqual(first_seen, list(PROCESS_STAGE_ROLES))

    def test_helpdesk_mgmt_stages_mapped(self):
        expected = {
            "helpdesk_mgmt.helpdesk_ticket_stage_new": "new",
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress": "in_progress",
            "helpdesk_mgmt.helpdesk_ticket_stage_awaiting": "waiting",
            "helpdesk_mgmt.helpdesk_ticket_stage_done": "closed",
            "helpdesk_mgmt.helpdesk_ticket_stage_cancelled": "cancelled",
            "helpdesk_mgmt.helpdesk_ticket_stage_rejected": "cancelled",
            "mindx_helpdesk_process.helpdesk_ticket_stage_resolved": "resolved",
        }
        for xmlid, role in expected.items():
            self.assertEqual(self.env.ref(xmlid).process_role, role, xmlid)
        resolved = self.env.ref("mindx_helpdesk_process.helpdesk_ticket_stage_resolved")
        self.assertFalse(resolved.closed)
        # our closure email replaces helpdesk_mgmt's bare "closed" notice on Done
        self.assertFalse(
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").mail_template_id
        )
        self.assertEqual(
            self.env.ref(
                "helpdesk_mgmt.helpdesk_ticket_stage_cancelled"
            ).mail_template_id,
            self.env.ref("helpdesk_mgmt.closed_ticket_template"),
        )

    def test_stage_created_by_api_gets_role_from_flags(self):
        Stage = self.env["helpdesk.ticket.stage"]
        self.assertEqual(Stage.create({"name": "Triage"}).process_role, "in_progress")
        self.assertEqual(
            Stage.create({"name": "Inbox", "unattended": True}).process_role, "new"
        )
        self.assertEqual(
            Stage.create({"name": "Archived", "closed": True}).process_role, "closed"
        )
        explicit = Stage.create(
            {"name": "Spam", "closed": True, "process_role": "cancelled"}
        )
        self.assertEqual(explicit.process_role, "cancelled")

    def test_stage_form_suggests_role(self):
        with Form(self.env["helpdesk.ticket.stage"].with_user(self.manager)) as form:
            form.name = "Customer verified"
            self.assertEqual(form.process_role, "in_progress")
            form.closed = True
            self.assertEqual(form.process_role, "closed")
            form.process_role = "cancelled"
            form.closed = False
            self.assertEqual(form.process_role, "in_progress")
            form.unattended = True
            self.assertEqual(form.process_role, "new")
        self.assertEqual(form.record.process_role, "new")

    def test_closing_role_needs_closed_flag(self):
        Stage = self.env["helpdesk.ticket.stage"]
        with self.assertRaisesRegex(ValidationError, "must be marked as closed"):
            Stage.create({"name": "Done too", "process_role": "closed"})
        with self.assertRaisesRegex(ValidationError, "must not be marked as closed"):
            Stage.create(
                {"name": "Half done", "process_role": "resolved", "closed": True}
            )
        with self.assertRaisesRegex(ValidationError, "Resolved"):
            self.stage_by_role["resolved"].closed = True
