# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The migration scripts that the upgrade test (tests/test_upgrade.py, from
18.0.1.0.0) does not reach: run on this database as `-u` would run them."""

import importlib.util

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged


def _migration(version, name):
    path = f"{get_module_path('mindx_helpdesk_process')}/migrations/{version}/{name}.py"
    spec = importlib.util.spec_from_file_location(f"mindx_migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigrations(TransactionCase):
    def test_1_6_0_removes_the_deliveries_view_before_the_form_loads(self):
        """18.0.1.5.1's view of the deliveries extended a group of the form that
        18.0.1.6.0 removes: left in place, the new form fails its validation as
        soon as it loads. The pre-migration deletes it, and nothing else."""
        form = self.env.ref("mindx_helpdesk_process.ticket_view_form")
        obsolete = self.env["ir.ui.view"].create(
            {
                "name": "helpdesk.ticket.view.form.escalation.deliveries",
                "model": "helpdesk.ticket",
                "inherit_id": form.id,
                "arch": '<xpath expr="//sheet" position="inside"><div/></xpath>',
            }
        )
        self.env["ir.model.data"].create(
            {
                "module": "mindx_helpdesk_process",
                "name": "ticket_view_form_escalation_deliveries",
                "model": "ir.ui.view",
                "res_id": obsolete.id,
            }
        )
        migration = _migration("18.0.1.6.0", "pre-migrate")
        migration.migrate(self.env.cr, None)  # a fresh install: nothing to do
        self.assertTrue(obsolete.exists())
        migration.migrate(self.env.cr, "18.0.1.5.1")
        self.env.invalidate_all()
        self.assertFalse(obsolete.exists())
        self.assertFalse(
            self.env.ref(
                "mindx_helpdesk_process.ticket_view_form_escalation_deliveries",
                raise_if_not_found=False,
            )
        )
        self.assertTrue(form.exists())
        self.assertTrue(
            self.env.ref("mindx_helpdesk_process.helpdesk_ticket_view_form_timeline")
        )
