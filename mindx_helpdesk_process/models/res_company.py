# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.numbers import check_whole_numbers

# a year: longer is a typo (and a huge number overflows the date arithmetic)
MAX_PROCESS_DAYS = 365
PROCESS_DAY_FIELDS = ("helpdesk_reopen_window_days", "helpdesk_confirm_reminder_days")


class ResCompany(models.Model):
    _inherit = "res.company"

    helpdesk_reopen_window_days = fields.Integer(
        string="Reopen window (days)",
        default=7,
        help="A customer's reply to a ticket closed less than this many days ago "
        "reopens it; a later reply opens a follow-up ticket.",
    )
    helpdesk_confirm_reminder_days = fields.Integer(
        string="Confirmation reminder after (working days)",
        default=2,
        help="A resolved ticket whose customer does not answer the resolution email "
        "gets one reminder after this many working days, and counts as confirmed "
        "by timeout as many working days after the reminder.",
    )
    helpdesk_colleagues_speak_for_customer = fields.Boolean(
        string="Colleagues speak for the customer",
        help="A reply from a contact of the customer's own company counts as the "
        "customer's: it may confirm the resolution, reopen a closed ticket and "
        "restart the silence clock. Off: only the ticket's contact does; "
        "anyone else's reply is stored on the ticket for the agent to read.",
    )
    helpdesk_cos_policy_id = fields.Many2one(
        comodel_name="helpdesk.cos.policy",
        string="Default Class of Service policy",
        compute="_compute_helpdesk_cos_policy_id",
    )

    def write(self, vals):
        check_whole_numbers(self, vals, PROCESS_DAY_FIELDS)
        return super().write(vals)

    @api.constrains(*PROCESS_DAY_FIELDS)
    def _check_helpdesk_process_days(self):
        for company in self:
            if (
                company.helpdesk_reopen_window_days < 0
                or company.helpdesk_confirm_reminder_days < 1
            ):
                raise ValidationError(
                    self.env._(
                        "%(company)s: the reopen window cannot be negative and the "
                        "confirmation reminder needs at least one working day.",
                        company=company.display_name,
                    )
                )
            if (
                max(
                    company.helpdesk_reopen_window_days,
                    company.helpdesk_confirm_reminder_days,
                )
                > MAX_PROCESS_DAYS
            ):
                raise ValidationError(
                    self.env._(
                        "%(company)s: the reopen window and the confirmation reminder "
                        "cannot exceed %(max)s days.",
                        company=company.display_name,
                        max=MAX_PROCESS_DAYS,
                    )
                )

    def _compute_helpdesk_cos_policy_id(self):
        """The company's default policy, from the policy cache tickets read."""
        Policy = self.env["helpdesk.cos.policy"]
        by_company = Policy._policy_map()["by_company"]
        for company in self:
            company.helpdesk_cos_policy_id = Policy.browse(by_company.get(company.id))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_whole_numbers(self, vals, PROCESS_DAY_FIELDS)
        companies = super().create(vals_list)
        companies._cos_ensure_default_policy()
        return companies

    def _cos_ensure_default_policy(self):
        """Give each company without one a default policy (docs/PROCESS.md's
        values)."""
        # sudo: creating a company (or installing) must give it its default policy
        # even when the user may not manage helpdesk policies
        Policy = self.env["helpdesk.cos.policy"].sudo()
        having = Policy.search(
            [("company_id", "in", self.ids), ("is_default", "=", True)]
        )
        missing = self - having.company_id
        Policy.create(
            [
                {
                    "name": self.env._("Default Class of Service"),
                    "company_id": company.id,
                    "is_default": True,
                }
                for company in missing
            ]
        )
