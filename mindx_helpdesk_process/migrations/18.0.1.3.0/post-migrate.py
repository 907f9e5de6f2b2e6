# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Finished tickets get their final SLA status (18.0.1.3.0): resolved and closed
ones Met or Breached, cancelled ones none; never On track or At risk."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["helpdesk.ticket"].with_context(active_test=False).search(
        [("process_role", "in", ("resolved", "closed", "cancelled"))]
    )._sla_refresh_status()
