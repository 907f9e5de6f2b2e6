# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.modules.module import get_manifest
from odoo.tests import tagged

from .common import HelpdeskProcessCommon


@tagged("post_install", "-at_install")
class TestInstall(HelpdeskProcessCommon):
    def test_module_installed(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "mindx_helpdesk_process")]
        )
        self.assertEqual(module.state, "installed")
        manifest = get_manifest("mindx_helpdesk_process")
        self.assertEqual(module.latest_version, manifest["version"])

    def _forget_roles(self):
        """Put stages back as they are right after the column is added: all default."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket_stage SET process_role = 'in_progress'"
        )
        self.env.invalidate_all()

    def test_install_on_existing_data(self):
        """Existing tickets and stages (ours, helpdesk_mgmt's, an admin's) survive."""
        Stage = self.env["helpdesk.ticket.stage"]
        admin_closing = Stage.create({"name": "Solved by phone", "closed": True})
        admin_inbox = Stage.create({"name": "Inbox", "unattended": True})
        admin_working = Stage.create({"name": "On site"})
        archived = Stage.create({"name": "Old", "closed": True, "active": False})
        awaiting = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        old_2, old_3 = (
            self._create_ticket(name="Old 2"),
            self._create_ticket(name="Old 3"),
        )
        self._force_stage(old_2, "waiting")
        old_3.with_user(self.manager).with_context(
            mindx_force_move=True, mindx_move_reason="set-up"
        ).stage_id = admin_closing
        tickets = self._create_ticket(name="Old 1") | old_2 | old_3
        before = [(t.stage_id, t.number, t.partner_id) for t in tickets]
        self._forget_roles()

        self.env["helpdesk.ticket"]._process_install_existing()

        self.assertEqual(awaiting.process_role, "waiting")
        self.assertEqual(
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_rejected").process_role,
            "cancelled",
        )
        self.assertEqual(admin_closing.process_role, "closed")
        self.assertEqual(admin_inbox.process_role, "new")
        self.assertEqual(admin_working.process_role, "in_progress")
        self.assertEqual(archived.process_role, "closed")
        self.assertEqual(
            [(t.stage_id, t.number, t.partner_id) for t in tickets], before
        )
        resolved = self.env.ref("mindx_helpdesk_process.helpdesk_ticket_stage_resolved")
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.assertLess(awaiting.sequence, resolved.sequence)
        self.assertLess(resolved.sequence, done.sequence)

    def test_install_step_idempotent(self):
        stages = self.env["helpdesk.ticket.stage"].search([])
        before = {s.id: (s.process_role, s.sequence) for s in stages}
        self.env["helpdesk.ticket"]._process_install_existing()
        resolved = self.env.ref("mindx_helpdesk_process.helpdesk_ticket_stage_resolved")
        after = {s.id: (s.process_role, s.sequence) for s in stages}
        self.assertEqual(
            {k: v[0] for k, v in after.items()}, {k: v[0] for k, v in before.items()}
        )
        self.assertEqual(after[resolved.id], before[resolved.id])
