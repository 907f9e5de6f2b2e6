# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    helpdesk_cos_policy_id = fields.Many2one(
        related="company_id.helpdesk_cos_policy_id", readonly=True
    )
    helpdesk_cos_priority_min_users = fields.Integer(
        related="company_id.helpdesk_cos_policy_id.priority_min_users", readonly=True
    )
    helpdesk_cos_expedite_min_users = fields.Integer(
        related="company_id.helpdesk_cos_policy_id.expedite_min_users", readonly=True
    )

    helpdesk_reopen_window_days = fields.Integer(
        related="company_id.helpdesk_reopen_window_days", readonly=False
    )

    helpdesk_confirm_reminder_days = fields.Integer(
        related="company_id.helpdesk_confirm_reminder_days", readonly=False
    )

    helpdesk_colleagues_speak_for_customer = fields.Boolean(
        related="company_id.helpdesk_colleagues_speak_for_customer", readonly=False
    )

    def action_open_helpdesk_cos_policy(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.cos.policy",
            "res_id": self.helpdesk_cos_policy_id.id,
            "view_mode": "form",
            "target": "current",
        }
